"""The verification checkpoint: where the last clean `verify` ended, sealed with the app's key.

The checkpoint names the last transfer verified and its hash, and keeps every account's
counters as those transfers give them (accounts with all four at zero have no row). Its
seal is an HMAC over the transfer, the hash, the number of kept rows and the sums of their
counters, so a checkpoint changed by someone without the key is caught before it is used.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, or_, select
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


def _seal(secret: str, last_id: int, head_hash: str, scrubbed: int, rows: int, sums: str) -> str:
    message = f"{last_id}|{head_hash}|{scrubbed}|{rows}|{sums}".encode()
    return hmac.new(secret.encode(), _SALT + message, hashlib.sha256).hexdigest()


def _kept_totals(session: Session) -> tuple[int, str]:
    """How many accounts the checkpoint keeps and the sums of their four counters."""
    row = session.execute(
        select(func.count(), *(func.coalesce(func.sum(_kept.c[c]), 0) for c in COUNTERS))
    ).one()
    return int(row[0]), ",".join(str(int(x)) for x in row[1:])


def load(session: Session, secret: str) -> tuple[Checkpoint | None, str | None]:
    """The stored checkpoint if its seal holds and the chain still ends in it there.

    Returns (None, None) when there is none, (None, problem) when it can't be trusted —
    the caller then verifies from the genesis and reports the problem.
    """
    row = session.execute(
        select(
            LedgerCheckpoint.last_id,
            LedgerCheckpoint.hash,
            LedgerCheckpoint.scrubbed_to,
            LedgerCheckpoint.accounts,
            LedgerCheckpoint.sums,
            LedgerCheckpoint.seal,
        ).where(LedgerCheckpoint.id == CHECKPOINT_ID)
    ).first()
    if row is None:
        return None, None
    rows, sums = _kept_totals(session)
    expected = _seal(secret, row.last_id, row.hash, row.scrubbed_to, rows, sums)
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
    return Checkpoint(row.last_id, row.hash, row.scrubbed_to), None


def compare_accounts(
    session: Session, start: Checkpoint, deltas: dict[int, list[int]]
) -> list[str]:
    """Every account = its counters at the checkpoint + what the new transfers moved.

    One query finds the accounts whose counters differ from the checkpoint's; each must be
    one the new transfers touched, by exactly that much, and each touched account must
    differ by what they moved.
    """
    base = [func.coalesce(_kept.c[c], 0) for c in COUNTERS]
    have = [Account.__table__.c[c] for c in COUNTERS]
    changed = {
        row[0]: (list(row[1:5]), list(row[5:9]))
        for row in session.execute(
            select(Account.id, *have, *base)
            .select_from(Account)
            .outerjoin(_kept, _kept.c.account_id == Account.id)
            .where(or_(*(h != b for h, b in zip(have, base, strict=True))))
        )
    }
    problems = []
    for account_id, (stored, kept) in sorted(changed.items()):
        moved = deltas.get(account_id, [0, 0, 0, 0])
        want = [k + m for k, m in zip(kept, moved, strict=True)]
        if stored != want:
            problems.append(
                f"account {account_id}: stored {stored} but the checkpoint and the transfers "
                f"since give {want} (debits/credits posted, debits/credits pending)"
            )
    for account_id, moved in sorted(deltas.items()):
        if account_id not in changed and any(moved):
            problems.append(
                f"account {account_id}: unchanged since the checkpoint, but the transfers "
                f"since move {moved}"
            )
    return problems


def store(
    session: Session,
    secret: str,
    last_id: int,
    head_hash: str,
    start: Checkpoint | None,
    deltas: dict[int, list[int]],
    scrubbed_to: int = 0,
) -> None:
    """Seal a new checkpoint at `last_id`: from the genesis (`start` None) `deltas` are the
    counters themselves; from a checkpoint they are added to the kept rows they touch."""
    from points.db import write_transaction

    with write_transaction(session):
        if start is None:
            session.execute(delete(_kept))
            rows = [
                {"account_id": account_id, **dict(zip(COUNTERS, moved, strict=True))}
                for account_id, moved in deltas.items()
                if any(moved)
            ]
            for first in range(0, len(rows), 5000):
                session.execute(insert(_kept), rows[first : first + 5000])
        else:
            rows = [
                {"account_id": account_id, **dict(zip(COUNTERS, moved, strict=True))}
                for account_id, moved in deltas.items()
                if any(moved)
            ]
            if rows:
                session.execute(_add_to_kept(session.get_bind().dialect.name), rows)
        count, sums = _kept_totals(session)
        values = {
            "last_id": last_id,
            "hash": head_hash,
            "scrubbed_to": scrubbed_to,
            "accounts": count,
            "sums": sums,
            "seal": _seal(secret, last_id, head_hash, scrubbed_to, count, sums),
            "created_at": utcnow(),
        }
        table = LedgerCheckpoint.__table__
        if session.scalar(select(table.c.id).where(table.c.id == CHECKPOINT_ID)) is None:
            session.execute(insert(table).values(id=CHECKPOINT_ID, **values))
        else:
            session.execute(table.update().where(table.c.id == CHECKPOINT_ID).values(**values))


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
