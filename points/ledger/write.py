"""The ledger's write path: transfer, hold, post, void, reverse.

Every function here expects to run inside `write_transaction` (or a test's transaction) and
never commits. Each write locks the accounts it touches in id order and only then reads what
it decides on (pretix PR #6067); the chain head, which every transfer moves, is locked last.
Counters change only through guarded relative UPDATEs; the accounts table's CHECK constraint
is the last guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from points.errors import (
    DuplicateReference,
    IdempotencyConflict,
    InsufficientPoints,
    InvalidAmount,
    InvalidInput,
    NotFound,
    NotPending,
    NotReversible,
    UnknownAccount,
)
from points.ledger import earned, sql
from points.ledger.chain import GENESIS_HASH, HEAD_ID, chain_hash
from points.models import Account, LedgerHead, Transfer, utcnow
from points.models.ledger import TRANSFER_KINDS

MAX_AMOUNT = 1_000_000


def check_amount(amount: object) -> int:
    """Return amount if it is a whole number of points the ledger accepts."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidAmount(limit=MAX_AMOUNT)
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidAmount(limit=MAX_AMOUNT)
    return amount


@dataclass(frozen=True, slots=True)
class Moved:
    """A transfer as written, in plain values, and its resident's counters after it."""

    id: int
    hash: str
    amount: int
    created_at: datetime
    balance: int | None  # the resident account's posted points after it (None: no resident)
    available: int | None  # … and what it may spend
    row: dict = field(repr=False, compare=False, default_factory=dict)  # every column

    def as_transfer(self, session: Session) -> Transfer:
        """The transfer as an ORM object in the session (persistent: nothing is read)."""
        return _attach(session, self.row)


def transfer(
    session: Session,
    *,
    debit_id: int,
    credit_id: int,
    amount: int,
    kind: str,
    memo: str = "",
    reference: str | None = None,
    idempotency_key: str | None = None,
    actor_id: int | None = None,
    pending: bool = False,
    now: datetime | None = None,
    earned_as: str | None = None,
    rule_id: int | None = None,
    rule_version_id: int | None = None,
    locked: dict[int, LockedAccount] | None = None,
    new_reference: bool = False,
    read: dict[int, LockedAccount] | None = None,
) -> Transfer:
    """Move `amount` points from the debit to the credit account; `pending` only holds them.

    Same idempotency key and same fields: the original transfer comes back and nothing is
    written. Same key, other fields: IdempotencyConflict. A used reference: DuplicateReference.
    `earned_as` is the kind the transfer counts as for earned points (a reversal counts as
    the kind it reverses, so reversing a redemption refund never adds to "earned").
    `rule_id`/`rule_version_id`: the rule the transfer is made under (points.rules).
    `locked`: both accounts as the caller already locked them (lock_accounts), so they are
    not read again. `read`: both accounts as read before the lock (read_accounts): not
    locked first, each is locked by its own guarded counter UPDATE, in the lock order.
    `new_reference`: the reference names a row this transaction just made, so no earlier
    transfer can hold it (the unique index still guards it).

    The chain head — one row every transfer in the city moves — is locked last, after the
    accounts are moved, so a transfer holds it only for its own insert and the commit.
    """
    row, _moved = _transfer(
        session,
        debit_id=debit_id,
        credit_id=credit_id,
        amount=amount,
        kind=kind,
        memo=memo,
        reference=reference,
        idempotency_key=idempotency_key,
        actor_id=actor_id,
        pending=pending,
        now=now,
        earned_as=earned_as,
        rule_id=rule_id,
        rule_version_id=rule_version_id,
        locked=locked,
        new_reference=new_reference,
        read=read,
    )
    if isinstance(row, Transfer):  # an idempotent replay: the earlier transfer
        return row
    return _attach(session, row)


def move(
    session: Session,
    *,
    debit_id: int,
    credit_id: int,
    amount: int,
    kind: str,
    memo: str = "",
    reference: str | None = None,
    actor_id: int | None = None,
    pending: bool = False,
    now: datetime | None = None,
    rule_id: int | None = None,
    rule_version_id: int | None = None,
    locked: dict[int, LockedAccount] | None = None,
    new_reference: bool = False,
    read: dict[int, LockedAccount] | None = None,
) -> Moved:
    """`transfer` for the hot paths (check-in, award, adjustment, redemption): the same
    checks and rows, answered in plain values — the resident's counters after it included,
    from the counter UPDATE's RETURNING — without an ORM object. No idempotency key here."""
    _row, moved = _transfer(
        session,
        debit_id=debit_id,
        credit_id=credit_id,
        amount=amount,
        kind=kind,
        memo=memo,
        reference=reference,
        idempotency_key=None,
        actor_id=actor_id,
        pending=pending,
        now=now,
        earned_as=None,
        rule_id=rule_id,
        rule_version_id=rule_version_id,
        locked=locked,
        new_reference=new_reference,
        read=read,
    )
    return moved


def _transfer(
    session: Session,
    *,
    debit_id: int,
    credit_id: int,
    amount: int,
    kind: str,
    memo: str,
    reference: str | None,
    idempotency_key: str | None,
    actor_id: int | None,
    pending: bool,
    now: datetime | None,
    earned_as: str | None,
    rule_id: int | None,
    rule_version_id: int | None,
    locked: dict[int, LockedAccount] | None,
    new_reference: bool,
    read: dict[int, LockedAccount] | None,
) -> tuple[Transfer | dict, Moved | None]:
    check_amount(amount)
    if kind not in TRANSFER_KINDS:
        raise InvalidInput(detail=f"kind {kind!r}")
    if debit_id == credit_id:
        raise InvalidInput(detail="debit and credit are the same account")
    connection = _connection(session)
    accounts = locked or read or _lock_accounts(connection, debit_id, credit_id)
    head = None
    phase = "pending" if pending else "single"
    if idempotency_key is not None:
        # Under the head, so that two transfers with one key but other accounts see each other.
        head = _lock_head(connection)
        earlier = session.scalar(
            select(Transfer).where(Transfer.idempotency_key == idempotency_key)
        )
        if earlier is not None:
            same = (
                earlier.debit_account_id == debit_id
                and earlier.credit_account_id == credit_id
                and earlier.amount == amount
                and earlier.kind == kind
                and earlier.phase == phase
                and earlier.memo == memo
                and earlier.reference == reference
            )
            if not same:
                raise IdempotencyConflict()
            return earlier, None
    if reference is not None and not new_reference:
        used = connection.scalar(sql.REFERENCE_USED, {"ref": reference})
        if used is not None:
            raise DuplicateReference(reference=reference, transfer_id=used)

    debit_column = "debits_pending" if pending else "debits_posted"
    credit_column = "credits_pending" if pending else "credits_posted"
    created_at = now or utcnow()

    def count_earned() -> None:
        # A reversal of a redemption or expiry gives points back but never counts as earned.
        # Earned totals are the resident's own rows: written before the shared ones are locked.
        if not pending and (earned_as is None or earned_as in earned.EARNING_KINDS):
            earned.record(
                connection,
                _Fields({"kind": kind, "amount": amount, "created_at": created_at}),
                accounts[debit_id],
                accounts[credit_id],
            )

    after = _move_counters(
        connection,
        accounts[debit_id],
        accounts[credit_id],
        debit_column,
        credit_column,
        amount,
        before_shared=count_earned,
    )
    row = _append(
        connection,
        head or _lock_head(connection),
        debit_account_id=debit_id,
        credit_account_id=credit_id,
        amount=amount,
        kind=kind,
        phase=phase,
        pending_id=None,
        reference=reference,
        idempotency_key=idempotency_key,
        memo=memo,
        actor_id=actor_id,
        created_at=created_at,
        rule_id=rule_id,
        rule_version_id=rule_version_id,
    )
    _forget_cached(session, debit_id, credit_id)
    balance, available = after or (None, None)
    return row, Moved(row["id"], row["hash"], amount, row["created_at"], balance, available, row)


def _move_counters(
    connection: Connection,
    debit: LockedAccount,
    credit: LockedAccount,
    debit_column: str,
    credit_column: str,
    amount: int,
    before_shared: Callable[[], None],
) -> tuple[int, int] | None:
    """Move both accounts' counters in the lock order (a resident's account first, the
    village's shared one last), running `before_shared` between the two, so that the row
    many transfers share is held the shortest time; return the resident's (balance,
    available) after."""
    steps = [(debit, debit_column, True), (credit, credit_column, False)]
    steps.sort(key=lambda step: (step[0].kind != "resident", step[0].id))
    after = None
    for account, column, is_debit in steps:
        if account.kind != "resident" and before_shared is not None:
            before_shared()
            before_shared = None
        if account.kind != "resident":
            _add(connection, account.id, column, amount)
        elif is_debit:
            after = _debit(connection, account, column, amount)
        else:
            after = tuple(
                connection.execute(
                    sql.ADD_RETURNING[column], {"account_id": account.id, "amount": amount}
                ).one()
            )
    if before_shared is not None:  # two residents' accounts
        before_shared()
    return after


def balance_now(session: Session, account_id: int) -> int:
    """An account's posted balance as this transaction sees it (after its own writes)."""
    return int(_connection(session).scalar(sql.BALANCE, {"account_id": account_id}) or 0)


def reverse(
    session: Session,
    transfer_id: int,
    *,
    memo: str = "",
    actor_id: int | None = None,
    idempotency_key: str | None = None,
) -> Transfer:
    """Undo a posted transfer with a compensating one (reference `reverse:<id>`, so only once).

    Holds can't be reversed (void them); a reversal can't be reversed. Reversing points a
    resident has already spent fails with InsufficientPoints: their balance never goes below 0.
    """
    original = session.get(Transfer, transfer_id)
    if original is None:
        raise NotFound(what=f"转账 {transfer_id}")
    if original.phase not in ("single", "post") or original.kind == "reverse":
        raise NotReversible(transfer_id=transfer_id)
    return transfer(
        session,
        debit_id=original.credit_account_id,
        credit_id=original.debit_account_id,
        amount=original.amount,
        kind="reverse",
        memo=memo,
        reference=f"reverse:{original.id}",
        idempotency_key=idempotency_key,
        actor_id=actor_id,
        earned_as=original.kind,
    )


def post_pending(
    session: Session,
    pending_id: int,
    *,
    actor_id: int | None = None,
    memo: str = "",
    read: dict[int, LockedAccount] | None = None,
    unresolved: bool = False,
) -> Transfer:
    """Turn a hold into a posted transfer of the same amount.

    `read`: the hold's accounts as read before the lock (read_accounts), locked by their own
    counter UPDATEs in the lock order. `unresolved`: the caller holds a lock under which the
    hold can't have been resolved (a pending redemption's row), so that is not read again
    (UNIQUE(pending_id) still guards it)."""
    return _resolve(
        session, pending_id, "post", actor_id=actor_id, memo=memo, read=read, unresolved=unresolved
    )


def void_pending(
    session: Session,
    pending_id: int,
    *,
    actor_id: int | None = None,
    memo: str = "",
    read: dict[int, LockedAccount] | None = None,
    unresolved: bool = False,
) -> Transfer:
    """Release a hold: the points become available again (`read`, `unresolved`: as
    post_pending)."""
    return _resolve(
        session, pending_id, "void", actor_id=actor_id, memo=memo, read=read, unresolved=unresolved
    )


def _resolve(
    session: Session,
    pending_id: int,
    phase: str,
    *,
    actor_id: int | None,
    memo: str,
    read: dict[int, LockedAccount] | None = None,
    unresolved: bool = False,
) -> Transfer:
    held = session.get(Transfer, pending_id)
    if held is None or held.phase != "pending":
        raise NotPending()
    debit_id, credit_id, amount = held.debit_account_id, held.credit_account_id, held.amount
    connection = _connection(session)
    accounts = read or _lock_accounts(connection, debit_id, credit_id)
    if not unresolved and connection.scalar(sql.RESOLVED_BY, {"held_id": pending_id}) is not None:
        raise NotPending()
    # One statement per account, in the lock order (a resident's first).
    steps = [(accounts[debit_id], True), (accounts[credit_id], False)]
    steps.sort(key=lambda step: (step[0].kind != "resident", step[0].id))
    for account, is_debit in steps:
        params = {"account_id": account.id, "amount": amount}
        if phase == "post":  # pending → posted
            connection.execute(sql.POST_DEBIT if is_debit else sql.POST_CREDIT, params)
        else:
            params["amount"] = -amount
            connection.execute(sql.ADD["debits_pending" if is_debit else "credits_pending"], params)
    created_at = utcnow()
    if phase == "post":  # (before the chain's head is locked: it needs nothing of it)
        fields = {"kind": held.kind, "amount": amount, "created_at": created_at}
        earned.record(connection, _Fields(fields), accounts[debit_id], accounts[credit_id])
    row = _append(
        connection,
        _lock_head(connection),  # the shared row last
        debit_account_id=debit_id,
        credit_account_id=credit_id,
        amount=amount,
        kind=held.kind,
        phase=phase,
        pending_id=pending_id,
        reference=None,
        idempotency_key=None,
        memo=memo,
        actor_id=actor_id,
        created_at=created_at,
    )
    _forget_cached(session, debit_id, credit_id)
    return _attach(session, row)


@dataclass(frozen=True, slots=True)
class LockedAccount:
    """An account's row as read under the lock."""

    id: int
    kind: str
    user_id: int | None
    available: int  # Account.available, as read under the lock


def _connection(session: Session) -> Connection:
    """The transaction's connection, after writing out pending ORM changes (autoflush)."""
    session.flush()
    return session.connection()


def lock_accounts(session: Session, first: int, second: int) -> dict[int, LockedAccount]:
    """Lock a transfer's two accounts (in the lock order) ahead of it; pass the result as
    `locked`."""
    return _lock_accounts(_connection(session), first, second)


def read_accounts(session: Session, first: int, second: int) -> dict[int, LockedAccount]:
    """Read a transfer's two accounts before any lock (their kinds and owners never change);
    pass the result as `read`, and the transfer locks each by its own counter UPDATE."""
    rows = _connection(session).execute(sql.READ_ACCOUNTS, {"first": first, "second": second})
    return _found(rows, first, second)


def _lock_accounts(connection: Connection, first: int, second: int) -> dict[int, LockedAccount]:
    """Lock both accounts in the lock order (FOR UPDATE on PostgreSQL; SQLite holds its
    write lock)."""
    rows = connection.execute(sql.LOCK_ACCOUNTS, {"first": first, "second": second})
    return _found(rows, first, second)


def resident_and_village(
    session: Session, user_id: int, village_id: int, kind: str
) -> tuple[LockedAccount | None, LockedAccount | None]:
    """A resident's account and their village's of `kind` (issuance, redeemed), read in one
    statement before any lock, for `read=`; None for one not opened yet."""
    rows = session.connection().execute(
        sql.RESIDENT_AND_VILLAGE, {"user_id": user_id, "village_id": village_id, "kind": kind}
    )
    found = {row.kind == "resident": LockedAccount(*row) for row in rows}
    return found.get(True), found.get(False)


def _found(rows, first: int, second: int) -> dict[int, LockedAccount]:
    found = {row.id: LockedAccount(*row) for row in rows}
    for account_id in sorted((first, second)):
        if account_id not in found:
            raise UnknownAccount(account_id=account_id)
    return found


def _lock_head(connection: Connection) -> tuple[int, str]:
    """Lock the chain head and return (last transfer id, its hash)."""
    row = connection.execute(sql.LOCK_HEAD, {"head_id": HEAD_ID}).first()
    if row is None:
        connection.execute(
            insert(LedgerHead.__table__).values(id=HEAD_ID, last_id=0, hash=GENESIS_HASH)
        )
        return 0, GENESIS_HASH
    return row.last_id, row.hash


def _debit(
    connection: Connection, account: LockedAccount, column: str, amount: int
) -> tuple[int, int]:
    """Add to a resident's debit counter, never below zero available; return (balance,
    available) after. Refused: InsufficientPoints with what the account has now."""
    params = {"account_id": account.id, "amount": amount}
    try:
        after = connection.execute(sql.DEBIT_RESIDENT_RETURNING[column], params).first()
    except IntegrityError as exc:  # the CHECK constraint: should be unreachable
        raise InsufficientPoints(needed=amount, available=account.available) from exc
    if after is None:
        available = connection.scalar(sql.AVAILABLE, {"account_id": account.id})
        raise InsufficientPoints(needed=amount, available=int(available or 0))
    return tuple(after)


def _add(connection: Connection, account_id: int, column: str, amount: int) -> None:
    connection.execute(sql.ADD[column], {"account_id": account_id, "amount": amount})


def _forget_cached(session: Session, *account_ids: int) -> None:
    """Expire the ORM's copies of rows changed behind its back (accounts, the chain head)."""
    keys = [(Account, (account_id,), None) for account_id in account_ids]
    keys.append((LedgerHead, (HEAD_ID,), None))
    for key in keys:
        cached = session.identity_map.get(key)
        if cached is not None:
            session.expire(cached)


class _Fields:
    """A transfer's row read as attributes (what chain_hash and earned.record read)."""

    __slots__ = ("_row",)

    def __init__(self, row: dict) -> None:
        self._row = row

    def __getattr__(self, name: str):
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None


def _append(connection: Connection, head: tuple[int, str], **fields) -> dict:
    """Write the next transfer of the chain and move the head; return the row written."""
    last_id, last_hash = head
    row = dict.fromkeys(_TRANSFER_COLUMNS)
    row.update(fields, id=last_id + 1, prev_hash=last_hash)
    row["hash"] = chain_hash(last_hash, _Fields(row))
    head = {"head_id": HEAD_ID, "new_last_id": row["id"], "new_hash": row["hash"]}
    if connection.dialect.name == "postgresql":
        # (Bound names differ from the columns': an UPDATE reserves the columns' own names.)
        head.update({f"t_{key}": value for key, value in row.items()})
        connection.execute(sql.APPEND_AND_MOVE_HEAD, head)
    else:
        connection.execute(sql.APPEND, row)
        connection.execute(sql.MOVE_HEAD, head)
    return row


def _attach(session: Session, row: dict) -> Transfer:
    """Written by Core: hand the transfer to the session as the persistent row it now is."""
    created = Transfer(**row)
    make_transient_to_detached(created)
    session.add(created)
    return created


_TRANSFER_COLUMNS = tuple(column.key for column in Transfer.__table__.columns)
