"""Verify the ledger: recompute every balance and the hash chain from the transfers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from points.ledger.chain import GENESIS_HASH, chain_hash, head
from points.models import Account, Transfer


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
