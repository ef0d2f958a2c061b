"""The verification checkpoint: where the last clean `verify` ended, sealed with the app's key.

The checkpoint names the last transfer verified and its hash, and keeps every account's
counters as those transfers give them (accounts with all four at zero have no row). Its
seal is an HMAC over the transfer, the hash, the scrubs' places, the number of kept rows and
the sums of their counters, so a checkpoint changed by someone without the key is caught
before it is used.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, any_, bindparam, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from points.ledger.chain import chain_hash
from points.models import Account, LedgerCheckpoint, LedgerCheckpointBalance, Transfer, utcnow

CHECKPOINT_ID = 1
COUNTERS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")
_SALT = b"points.ledger.checkpoint\x00"
_kept = LedgerCheckpointBalance.__table__


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    hash: str
    scrubbed_to: int
    accounts_scrubbed_to: int = 0
    accounts: int = 0  # kept rows …
    sums: tuple[int, ...] = (0, 0, 0, 0)  # … and the sums of their four counters
    seal: str = ""


def _seal(
    secret: str, last_id: int, head_hash: str, scrubbed: int, rows: int, sums: str, accounts: int
) -> str:
    message = f"{last_id}|{head_hash}|{scrubbed}|{rows}|{sums}"
    if accounts:  # a checkpoint stored before the accounts' scrub keeps its seal
        message += f"|{accounts}"
    return hmac.new(secret.encode(), _SALT + message.encode(), hashlib.sha256).hexdigest()


def _joined(sums: tuple[int, ...]) -> str:
    return ",".join(str(int(x)) for x in sums)


def _kept_totals(session: Session) -> tuple[int, str]:
    """How many accounts the checkpoint keeps and the sums of their four counters."""
    row = session.execute(
        select(func.count(), *(func.coalesce(func.sum(_kept.c[c]), 0) for c in COUNTERS))
    ).one()
    return int(row[0]), _joined(row[1:])


def load(session: Session, secret: str) -> tuple[Checkpoint | None, str | None]:
    """The stored checkpoint if its seal holds and the chain still ends in it there.

    Returns (None, None) when there is none, (None, problem) when it can't be trusted —
    the caller then verifies from the genesis and reports the problem. Its one read of the
    whole kept table is a single aggregate over a narrow table (the seal's sums).
    """
    row = session.execute(
        select(
            LedgerCheckpoint.last_id,
            LedgerCheckpoint.hash,
            LedgerCheckpoint.scrubbed_to,
            LedgerCheckpoint.accounts_scrubbed_to,
            LedgerCheckpoint.accounts,
            LedgerCheckpoint.sums,
            LedgerCheckpoint.seal,
        ).where(LedgerCheckpoint.id == CHECKPOINT_ID)
    ).first()
    if row is None:
        return None, None
    rows, sums = _kept_totals(session)
    expected = _seal(
        secret, row.last_id, row.hash, row.scrubbed_to, rows, sums, row.accounts_scrubbed_to
    )
    if (rows, sums) != (row.accounts, row.sums) or not hmac.compare_digest(expected, row.seal):
        return None, "checkpoint: its seal does not match its contents (altered)"
    if row.last_id:
        columns = Transfer.__table__.columns
        anchor = session.execute(select(*columns).where(columns.id == row.last_id)).first()
        if (
            anchor is None
            or anchor.hash != row.hash
            or chain_hash(anchor.prev_hash, anchor) != (anchor.hash)
        ):
            return None, (
                f"checkpoint: transfer {row.last_id} no longer carries the checkpoint's hash "
                "(the chain before it was changed)"
            )
    return (
        Checkpoint(
            row.last_id,
            row.hash,
            row.scrubbed_to,
            row.accounts_scrubbed_to,
            rows,
            tuple(int(x) for x in sums.split(",")),
            row.seal,
        ),
        None,
    )


_HAVE = [Account.__table__.c[c] for c in COUNTERS]
_BASE = [func.coalesce(_kept.c[c], 0) for c in COUNTERS]
_BESIDE_KEPT = (
    select(Account.id, Account.kind, *_HAVE, *_BASE)
    .select_from(Account)
    .outerjoin(_kept, _kept.c.account_id == Account.id)
)
_TOUCHED = _BESIDE_KEPT.where(Account.id.in_(bindparam("ids", expanding=True)))
# PostgreSQL: the ids as one array parameter, in one statement (no list of 5,000 binds).
_TOUCHED_PG = _BESIDE_KEPT.where(
    Account.id == any_(bindparam("ids", type_=postgresql.ARRAY(BigInteger)))
)
# … and the new movements added to the kept rows in one statement, saying which rows it made.
_ADD_TO_KEPT_PG = text(
    f"INSERT INTO {_kept.name} (account_id, {', '.join(COUNTERS)}) "
    "SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:c0 AS bigint[]), "
    "CAST(:c1 AS bigint[]), CAST(:c2 AS bigint[]), CAST(:c3 AS bigint[])) "
    "ON CONFLICT (account_id) DO UPDATE SET "
    + ", ".join(f"{c} = {_kept.name}.{c} + excluded.{c}" for c in COUNTERS)
    + " RETURNING (xmax = 0) AS made"
)
_WINDOW = (
    _BESIDE_KEPT.where(Account.id > bindparam("after"))
    .order_by(Account.id)
    .limit(bindparam("window"))
)
_KEPT_OF = select(_kept.c.account_id).where(
    _kept.c.account_id.in_(bindparam("ids", expanding=True))
)
ID_CHUNK = 5000


@dataclass
class AccountsChecked:
    """What comparing accounts with the checkpoint found."""

    problems: list[str] = field(default_factory=list)
    scrubbed_to: int = 0


def _compare(row, moved: list[int], since: str, found: AccountsChecked) -> None:
    stored, kept = list(row[2:6]), list(row[6:10])
    want = [k + m for k, m in zip(kept, moved, strict=True)]
    if stored != want:
        found.problems.append(
            f"account {row.id}: stored {stored} but {since} give {want} "
            "(debits/credits posted, debits/credits pending)"
        )
    elif row.kind == "resident" and stored[1] - stored[0] - stored[2] < 0:
        found.problems.append(
            f"account {row.id}: available {stored[1] - stored[0] - stored[2]} < 0"
        )


def compare_accounts(
    session: Session, start: Checkpoint, deltas: dict[int, list[int]], window: int
) -> AccountsChecked:
    """The accounts the new transfers moved = their counters at the checkpoint + what moved,
    read by id (time proportional to what is new); then the next `window` accounts in id
    order from where the last run's scrub stopped (wrapping round) = their counters at the
    checkpoint, so an account changed behind the ledger's back without a transfer is caught
    on its turn. No resident of those may have less than nothing available.

    The balances still sum to zero: the kept counters did (their sums, sealed, are checked
    here), every transfer moves as much out as in, and every account is kept + moved.
    """
    found = AccountsChecked()
    touched = sorted(deltas)
    seen: set[int] = set()
    if session.get_bind().dialect.name == "postgresql":
        parts = [(_TOUCHED_PG, touched)] if touched else []
    else:
        parts = [
            (_TOUCHED, touched[first : first + ID_CHUNK])
            for first in range(0, len(touched), ID_CHUNK)
        ]
    for statement, ids in parts:
        for row in session.execute(statement, {"ids": ids}):
            seen.add(row.id)
            _compare(row, deltas[row.id], "the checkpoint and the transfers since", found)
    for account_id in touched:
        if account_id not in seen:
            found.problems.append(f"account {account_id}: moved by a transfer, but missing")
    rows = session.execute(_WINDOW, {"after": start.accounts_scrubbed_to, "window": window}).all()
    if not rows and start.accounts_scrubbed_to:  # past the last account: round again
        rows = session.execute(_WINDOW, {"after": 0, "window": window}).all()
    for row in rows:
        if row.id not in deltas:
            _compare(row, [0, 0, 0, 0], "the checkpoint's counters", found)
    found.scrubbed_to = rows[-1].id if rows else 0
    kept_balance = start.sums[1] - start.sums[0]
    if kept_balance != 0:
        found.problems.append(f"balances sum to {kept_balance} at the checkpoint, not 0")
    return found


def store(
    session: Session,
    secret: str,
    last_id: int,
    head_hash: str,
    start: Checkpoint | None,
    deltas: dict[int, list[int]],
    scrubbed_to: int = 0,
    accounts: AccountsChecked | None = None,
) -> bool:
    """Seal a new checkpoint at `last_id`: from the genesis (`start` None) `deltas` are the
    counters themselves; from a checkpoint they are added to the kept rows they touch, and
    the seal's count and sums follow from the old ones (no pass over the kept table).

    Going on from a checkpoint, it stores only if the checkpoint is still the one the run
    started from (it is locked first): two runs at once never add the same movements twice.
    Returns whether it stored.
    """
    from points.db import write_transaction

    table = LedgerCheckpoint.__table__
    rows = [
        {"account_id": account_id, **dict(zip(COUNTERS, moved, strict=True))}
        for account_id, moved in deltas.items()
        if any(moved)
    ]
    with write_transaction(session):
        current = session.execute(
            select(table.c.seal).where(table.c.id == CHECKPOINT_ID).with_for_update()
        ).first()
        if start is None:
            session.execute(delete(_kept))
            postgres = session.get_bind().dialect.name == "postgresql"
            size = 50_000 if postgres else 5000
            for first in range(0, len(rows), size):
                part = rows[first : first + size]
                if postgres:
                    session.execute(_ADD_TO_KEPT_PG, _as_arrays(part)).all()
                else:
                    session.execute(insert(_kept), part)
            count, sums = _kept_totals(session)
            accounts_scrubbed_to = 0
        else:
            if current is None or current.seal != start.seal:
                return False  # another run stored a checkpoint meanwhile
            touched = [row["account_id"] for row in rows]
            if not rows:
                made = 0
            elif session.get_bind().dialect.name == "postgresql":
                made = sum(
                    1 for (new,) in session.execute(_ADD_TO_KEPT_PG, _as_arrays(rows)) if new
                )
            else:
                kept = {
                    account_id
                    for first in range(0, len(touched), ID_CHUNK)
                    for account_id in session.scalars(
                        _KEPT_OF, {"ids": touched[first : first + ID_CHUNK]}
                    )
                }
                session.execute(_add_to_kept("sqlite"), rows)
                made = sum(1 for account_id in touched if account_id not in kept)
            count = start.accounts + made
            added = [sum(moved[i] for moved in deltas.values()) for i in range(len(COUNTERS))]
            sums = _joined(tuple(s + a for s, a in zip(start.sums, added, strict=True)))
            accounts_scrubbed_to = accounts.scrubbed_to if accounts else 0
        values = {
            "last_id": last_id,
            "hash": head_hash,
            "scrubbed_to": scrubbed_to,
            "accounts_scrubbed_to": accounts_scrubbed_to,
            "accounts": count,
            "sums": sums,
            "seal": _seal(
                secret, last_id, head_hash, scrubbed_to, count, sums, accounts_scrubbed_to
            ),
            "created_at": utcnow(),
        }
        if current is None:
            session.execute(insert(table).values(id=CHECKPOINT_ID, **values))
        else:
            session.execute(table.update().where(table.c.id == CHECKPOINT_ID).values(**values))
    return True


def _as_arrays(rows: list[dict]) -> dict[str, list[int]]:
    """Kept rows as the column arrays _ADD_TO_KEPT_PG unnests."""
    arrays = {f"c{i}": [row[c] for row in rows] for i, c in enumerate(COUNTERS)}
    return {"ids": [row["account_id"] for row in rows], **arrays}


def _add_to_kept(dialect: str):
    """INSERT … ON CONFLICT (account_id) DO UPDATE adding the new movements."""
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_for(_kept)
    return statement.on_conflict_do_update(
        index_elements=["account_id"],
        set_={c: _kept.c[c] + statement.excluded[c] for c in COUNTERS},
    )


def scrub(session: Session, start: Checkpoint, window: int) -> tuple[int, list[str]]:
    """Re-hash the next `window` transfers before the checkpoint, from where the last scrub
    stopped (wrapping round to the first), so that runs proportional to what is new still
    re-read the whole history in turn. Returns (where this scrub stopped, problems)."""
    if start.last_id == 0:
        return 0, []
    first = start.scrubbed_to + 1 if start.scrubbed_to < start.last_id else 1
    last = min(start.last_id, first + window - 1)
    columns = Transfer.__table__.columns
    prev = None
    if first > 1:
        prev = session.scalar(select(columns.hash).where(columns.id == first - 1))
    problems = []
    expected = first
    for t in session.execute(
        select(*columns).where(columns.id.between(first, last)).order_by(columns.id)
    ):
        if t.id != expected:
            problems.append(f"transfer {t.id}: expected id {expected} (a gap in the chain)")
        expected = t.id + 1
        if prev is not None and t.prev_hash != prev:
            problems.append(f"transfer {t.id}: prev_hash does not match transfer {t.id - 1}")
        if chain_hash(t.prev_hash, t) != t.hash:
            problems.append(f"transfer {t.id}: hash does not match its fields (altered)")
        if t.amount <= 0:
            problems.append(f"transfer {t.id}: amount {t.amount} is not positive")
        prev = t.hash
    if expected != last + 1:
        problems.append(f"transfers {expected}–{last}: missing (a gap in the chain)")
    return last, problems
