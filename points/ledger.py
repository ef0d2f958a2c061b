"""The double-entry points ledger: transfer, hold, post, void, verify.

Every function here expects to run inside `write_transaction` (or a test's transaction) and
never commits. Each write locks the accounts it touches in id order, then the chain head,
and only then reads what it decides on (pretix PR #6067). Counters change only through
guarded relative UPDATEs; the accounts table's CHECK constraint is the last guard.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, and_, func, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, make_transient_to_detached

from points import earned
from points import ledger_sql as sql
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
from points.models import Account, LedgerHead, Transfer, utcnow
from points.models.ledger import TRANSFER_KINDS

GENESIS_HASH = "0" * 64
MAX_AMOUNT = 1_000_000
HEAD_ID = 1


# --- accounts ---------------------------------------------------------------------------
def open_account(
    session: Session, kind: str, village_id: int | None, user_id: int | None = None
) -> Account:
    """Create an account (flushed, so it has an id)."""
    account = Account(kind=kind, village_id=village_id, user_id=user_id)
    session.add(account)
    session.flush()
    return account


def resident_account(session: Session, user_id: int) -> Account:
    account = session.scalar(select(Account).where(Account.user_id == user_id))
    if account is None:
        raise UnknownAccount(account_id=f"user:{user_id}")
    return account


def village_account(session: Session, village_id: int, kind: str) -> Account:
    """Return the village's issuance or redeemed account, opening it on first use."""
    account = session.scalar(
        select(Account).where(
            Account.village_id == village_id, Account.kind == kind, Account.user_id.is_(None)
        )
    )
    return account or open_account(session, kind, village_id)


# --- writing ----------------------------------------------------------------------------
def check_amount(amount: object) -> int:
    """Return amount if it is a whole number of points the ledger accepts."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidAmount(limit=MAX_AMOUNT)
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidAmount(limit=MAX_AMOUNT)
    return amount


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
) -> Transfer:
    """Move `amount` points from the debit to the credit account; `pending` only holds them.

    Same idempotency key and same fields: the original transfer comes back and nothing is
    written. Same key, other fields: IdempotencyConflict. A used reference: DuplicateReference.
    `earned_as` is the kind the transfer counts as for earned points (a reversal counts as
    the kind it reverses, so reversing a redemption refund never adds to "earned").
    """
    check_amount(amount)
    if kind not in TRANSFER_KINDS:
        raise InvalidInput(detail=f"kind {kind!r}")
    if debit_id == credit_id:
        raise InvalidInput(detail="debit and credit are the same account")
    connection = _connection(session)
    accounts = _lock_accounts(connection, debit_id, credit_id)
    head = _lock_head(connection)
    phase = "pending" if pending else "single"
    if idempotency_key is not None:
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
            return earlier
    if reference is not None:
        used = connection.scalar(sql.REFERENCE_USED, {"ref": reference})
        if used is not None:
            raise DuplicateReference(reference=reference, transfer_id=used)

    debit_column = "debits_pending" if pending else "debits_posted"
    credit_column = "credits_pending" if pending else "credits_posted"
    _debit(connection, accounts[debit_id], debit_column, amount)
    _add(connection, credit_id, credit_column, amount)
    created = _append(
        session,
        connection,
        head,
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
        created_at=now or utcnow(),
    )
    # A reversal of a redemption or expiry gives points back but never counts as earned.
    if not pending and (earned_as is None or earned_as in earned.EARNING_KINDS):
        earned.record(connection, created, accounts[debit_id], accounts[credit_id])
    _forget_cached(session, debit_id, credit_id)
    return created


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
    session: Session, pending_id: int, *, actor_id: int | None = None, memo: str = ""
) -> Transfer:
    """Turn a hold into a posted transfer of the same amount."""
    return _resolve(session, pending_id, "post", actor_id=actor_id, memo=memo)


def void_pending(
    session: Session, pending_id: int, *, actor_id: int | None = None, memo: str = ""
) -> Transfer:
    """Release a hold: the points become available again."""
    return _resolve(session, pending_id, "void", actor_id=actor_id, memo=memo)


def _resolve(
    session: Session, pending_id: int, phase: str, *, actor_id: int | None, memo: str
) -> Transfer:
    held = session.get(Transfer, pending_id)
    if held is None or held.phase != "pending":
        raise NotPending()
    debit_id, credit_id, amount = held.debit_account_id, held.credit_account_id, held.amount
    connection = _connection(session)
    accounts = _lock_accounts(connection, debit_id, credit_id)
    head = _lock_head(connection)
    if connection.scalar(sql.RESOLVED_BY, {"held_id": pending_id}) is not None:
        raise NotPending()
    _add(connection, debit_id, "debits_pending", -amount)
    _add(connection, credit_id, "credits_pending", -amount)
    if phase == "post":
        _add(connection, debit_id, "debits_posted", amount)
        _add(connection, credit_id, "credits_posted", amount)
    created = _append(
        session,
        connection,
        head,
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
        created_at=utcnow(),
    )
    if phase == "post":
        earned.record(connection, created, accounts[debit_id], accounts[credit_id])
    _forget_cached(session, debit_id, credit_id)
    return created


@dataclass(frozen=True, slots=True)
class LockedAccount:
    """An account's row as read under the lock."""

    id: int
    kind: str
    user_id: int | None
    credits_posted: int
    debits_posted: int
    debits_pending: int

    @property
    def available(self) -> int:
        return self.credits_posted - self.debits_posted - self.debits_pending


def _connection(session: Session) -> Connection:
    """The transaction's connection, after writing out pending ORM changes (autoflush)."""
    session.flush()
    return session.connection()


def _lock_accounts(connection: Connection, first: int, second: int) -> dict[int, LockedAccount]:
    """Lock both accounts in id order (FOR UPDATE on PostgreSQL; SQLite holds its write lock)."""
    rows = connection.execute(sql.LOCK_ACCOUNTS, {"first": first, "second": second})
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


def _debit(connection: Connection, account: LockedAccount, column: str, amount: int) -> None:
    """Add to a debit counter; a resident's available points may not fall below zero."""
    statement = sql.DEBIT_RESIDENT[column] if account.kind == "resident" else sql.ADD[column]
    try:
        result = connection.execute(statement, {"account_id": account.id, "amount": amount})
    except IntegrityError as exc:  # the CHECK constraint: should be unreachable
        raise InsufficientPoints(needed=amount, available=account.available) from exc
    if result.rowcount != 1:
        raise InsufficientPoints(needed=amount, available=account.available)


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


def canonical(t: Transfer | Row) -> str:
    """The fields a transfer's hash covers, in a fixed order and encoding."""
    return json.dumps(
        [
            t.id,
            t.created_at.isoformat(timespec="microseconds"),
            t.debit_account_id,
            t.credit_account_id,
            t.amount,
            t.kind,
            t.phase,
            t.pending_id,
            t.reference,
            t.idempotency_key,
            t.memo,
            t.actor_id,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def chain_hash(prev_hash: str, t: Transfer | Row) -> str:
    return hashlib.sha256((prev_hash + canonical(t)).encode()).hexdigest()


def _append(session: Session, connection: Connection, head: tuple[int, str], **fields) -> Transfer:
    """Write the next transfer of the chain and move the head; return it as a loaded object."""
    last_id, last_hash = head
    created = Transfer(id=last_id + 1, prev_hash=last_hash, **fields)
    created.hash = chain_hash(last_hash, created)
    row = {column: getattr(created, column) for column in _TRANSFER_COLUMNS}
    connection.execute(sql.APPEND, row)
    connection.execute(
        sql.MOVE_HEAD, {"head_id": HEAD_ID, "new_last_id": created.id, "new_hash": created.hash}
    )
    # Written by Core: hand the object to the session as the persistent row it now is.
    make_transient_to_detached(created)
    session.add(created)
    return created


_TRANSFER_COLUMNS = tuple(column.key for column in Transfer.__table__.columns)


# --- reading ----------------------------------------------------------------------------
def head(session: Session) -> tuple[int, str]:
    """Return (number of transfers, head hash)."""
    row = session.get(LedgerHead, HEAD_ID)
    return (row.last_id, row.hash) if row else (0, GENESIS_HASH)


@dataclass
class StatementLine:
    id: int
    amount: int
    kind: str
    memo: str
    created_at: datetime
    status: str


def statement(
    session: Session,
    account_id: int,
    *,
    limit: int = 20,
    offset: int = 0,
    before_id: int | None = None,
) -> list[StatementLine]:
    """Return an account's ledger lines, newest first, as the resident sees them."""
    resolution = aliased(Transfer)
    query = (
        select(Transfer, resolution.phase)
        .outerjoin(resolution, resolution.pending_id == Transfer.id)
        .where(
            or_(Transfer.debit_account_id == account_id, Transfer.credit_account_id == account_id),
            Transfer.phase.in_(("single", "pending")),
        )
        .order_by(Transfer.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if before_id is not None:
        query = query.where(Transfer.id < before_id)
    lines = []
    for t, resolved in session.execute(query):
        if t.phase == "single" or resolved == "post":
            status = "posted"
        else:
            status = "voided" if resolved == "void" else "pending"
        sign = 1 if t.credit_account_id == account_id else -1
        lines.append(StatementLine(t.id, sign * t.amount, t.kind, t.memo, t.created_at, status))
    return lines


def count_lines(session: Session, account_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Transfer)
        .where(
            or_(Transfer.debit_account_id == account_id, Transfer.credit_account_id == account_id),
            Transfer.phase.in_(("single", "pending")),
        )
    )


# --- verifying --------------------------------------------------------------------------
@dataclass
class Verification:
    ok: bool
    transfers: int
    head_hash: str
    problems: list[str] = field(default_factory=list)

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None


def verify(session: Session, *, max_problems: int = 50) -> Verification:
    """Recompute every balance and the hash chain from the transfers and compare."""
    problems: list[str] = []
    counters: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    pending: dict[int, Row] = {}
    resolved: set[int] = set()
    prev = GENESIS_HASH
    expected_id = 0
    # Plain rows, not ORM objects: verify reads every transfer ever made.
    columns = Transfer.__table__.columns
    for t in session.execute(
        select(*columns).order_by(columns.id).execution_options(yield_per=5000)
    ):
        expected_id += 1
        if t.id != expected_id:
            problems.append(f"transfer {t.id}: expected id {expected_id} (a gap in the chain)")
            expected_id = t.id
        if t.prev_hash != prev:
            problems.append(f"transfer {t.id}: prev_hash does not match transfer {t.id - 1}")
        if chain_hash(t.prev_hash, t) != t.hash:
            problems.append(f"transfer {t.id}: hash does not match its fields (altered)")
        prev = t.hash
        if t.amount <= 0:
            problems.append(f"transfer {t.id}: amount {t.amount} is not positive")
        debit, credit = counters[t.debit_account_id], counters[t.credit_account_id]
        if t.phase == "single":
            debit[0] += t.amount
            credit[1] += t.amount
        elif t.phase == "pending":
            debit[2] += t.amount
            credit[3] += t.amount
            pending[t.id] = t
        else:
            held = pending.get(t.pending_id)
            if held is None or t.pending_id in resolved:
                problems.append(f"transfer {t.id}: resolves {t.pending_id}, not an open hold")
            elif (held.amount, held.debit_account_id, held.credit_account_id) != (
                t.amount,
                t.debit_account_id,
                t.credit_account_id,
            ):
                problems.append(f"transfer {t.id}: differs from the hold {t.pending_id}")
            resolved.add(t.pending_id)
            debit[2] -= t.amount
            credit[3] -= t.amount
            if t.phase == "post":
                debit[0] += t.amount
                credit[1] += t.amount
        if len(problems) >= max_problems:
            break
    total = 0
    for account in session.scalars(select(Account).order_by(Account.id)):
        want = counters.get(account.id, [0, 0, 0, 0])
        have = [
            account.debits_posted,
            account.credits_posted,
            account.debits_pending,
            account.credits_pending,
        ]
        if want != have:
            problems.append(
                f"account {account.id}: stored {have} but transfers give {want} "
                "(debits/credits posted, debits/credits pending)"
            )
        total += account.balance
        if account.kind == "resident" and account.available < 0:
            problems.append(f"account {account.id}: available {account.available} < 0")
    if total != 0:
        problems.append(f"balances sum to {total}, not 0")
    count, head_hash = head(session)
    if count != expected_id or head_hash != prev:
        problems.append(
            f"chain head says {count} transfers / {head_hash[:12]}…, "
            f"transfers end at {expected_id} / {prev[:12]}…"
        )
    return Verification(not problems, expected_id, prev, problems[:max_problems])


def unresolved_holds(session: Session, account_id: int) -> int:
    """Sum of pending debits still open on an account, recomputed from transfers."""
    resolution = aliased(Transfer)
    return session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0))
        .outerjoin(resolution, resolution.pending_id == Transfer.id)
        .where(
            and_(Transfer.debit_account_id == account_id, Transfer.phase == "pending"),
            resolution.id.is_(None),
        )
    )
