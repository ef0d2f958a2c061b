"""Verify the ledger: recompute balances and the hash chain from the transfers.

`verify(session)` reads every transfer (the full check). `verify(session, secret=…)` goes on
from the sealed checkpoint the last clean run stored (points/ledger/checkpoint.py): it
re-hashes only the transfers after it, adds their movements to the counters the checkpoint
kept and compares the accounts they moved with that, read by id — so its time grows with
what is new, not with the ledger or the city. Either run, when clean and given the secret,
stores a new checkpoint at the head it reached.

The transfers before the checkpoint were verified when it was stored, and the database
refuses changes to transfers (a trigger). Behind the trigger's back: a rewritten chain no
longer ends in the checkpoint's hash; an account changed no longer matches the checkpoint's
counters plus what is new; a changed checkpoint no longer matches its seal; and a row edited
in place is caught by the scrubs — each incremental run also re-hashes the next window of
older transfers and compares the next window of accounts with their kept counters (each at
least 10,000, or as many as are new), so successive runs re-read the whole history and every
account in turn. `--full` re-reads everything at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, scoped_session

from points.ledger import checkpoint as checkpoints
from points.ledger.chain import GENESIS_HASH, chain_hash, head
from points.models import Account, Transfer


@dataclass
class Verification:
    ok: bool
    transfers: int
    head_hash: str
    problems: list[str] = field(default_factory=list)
    checked: int = 0  # transfers re-hashed by this run
    since: int = 0  # the checkpoint it started from (0: the genesis)

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None


class _Walk:
    """The chain and the counters, transfer by transfer, from a starting point."""

    def __init__(self, session: Session, start_id: int, start_hash: str, max_problems: int):
        self.session = session
        self.problems: list[str] = []
        self.deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.pending: dict[int, Row] = {}
        self.resolved: set[int] = set()
        self.prev = start_hash
        self.expected_id = start_id
        self.start_id = start_id
        self.max_problems = max_problems

    def run(self) -> None:
        columns = Transfer.__table__.columns
        query = (
            select(*columns)
            .where(columns.id > self.start_id)
            .order_by(columns.id)
            .execution_options(yield_per=5000)
        )
        for t in self.session.execute(query):
            self.step(t)
            if len(self.problems) >= self.max_problems:
                break

    def step(self, t: Row) -> None:
        problems = self.problems
        self.expected_id += 1
        if t.id != self.expected_id:
            problems.append(f"transfer {t.id}: expected id {self.expected_id} (a gap in the chain)")
            self.expected_id = t.id
        if t.prev_hash != self.prev:
            problems.append(f"transfer {t.id}: prev_hash does not match transfer {t.id - 1}")
        if chain_hash(t.prev_hash, t) != t.hash:
            problems.append(f"transfer {t.id}: hash does not match its fields (altered)")
        self.prev = t.hash
        if t.amount <= 0:
            problems.append(f"transfer {t.id}: amount {t.amount} is not positive")
        debit, credit = self.deltas[t.debit_account_id], self.deltas[t.credit_account_id]
        if t.phase == "single":
            debit[0] += t.amount
            credit[1] += t.amount
        elif t.phase == "pending":
            debit[2] += t.amount
            credit[3] += t.amount
            self.pending[t.id] = t
        else:
            held = self._hold(t.pending_id)
            if held is None or t.pending_id in self.resolved:
                problems.append(f"transfer {t.id}: resolves {t.pending_id}, not an open hold")
            elif (held.amount, held.debit_account_id, held.credit_account_id) != (
                t.amount,
                t.debit_account_id,
                t.credit_account_id,
            ):
                problems.append(f"transfer {t.id}: differs from the hold {t.pending_id}")
            self.resolved.add(t.pending_id)
            debit[2] -= t.amount
            credit[3] -= t.amount
            if t.phase == "post":
                debit[0] += t.amount
                credit[1] += t.amount

    def _hold(self, pending_id: int | None) -> Row | None:
        """The hold a post or void resolves: met on the way, or (before the checkpoint) read;
        one made before the checkpoint must not have been resolved before it either."""
        if pending_id in self.pending or pending_id is None or pending_id > self.start_id:
            return self.pending.get(pending_id)
        columns = Transfer.__table__.columns
        held = self.session.execute(
            select(*columns).where(columns.id == pending_id, columns.phase == "pending")
        ).first()
        earlier = self.session.scalar(
            select(columns.id).where(columns.pending_id == pending_id, columns.id <= self.start_id)
        )
        return None if earlier is not None else held


def verify(
    session: Session,
    *,
    max_problems: int = 50,
    secret: str | None = None,
    full: bool = False,
    store: bool = True,
    scrub_window: int = 10_000,
) -> Verification:
    """Check the chain and every account; from the stored checkpoint when `secret` is given
    (and not `full`); store a new checkpoint after a clean run when `secret` is given."""
    problems: list[str] = []
    start = None
    if isinstance(session, scoped_session):
        session = session()
    owned = not session.in_transaction()  # the read is this call's own transaction
    if owned and session.get_bind().dialect.name == "postgresql":
        # One snapshot for the transfers, the accounts and the head (SQLite's read
        # transaction is one already).
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    if secret is not None and not full:
        start, problem = checkpoints.load(session, secret)
        if problem:
            problems.append(problem)
    start_id, start_hash = (start.last_id, start.hash) if start else (0, GENESIS_HASH)
    walk = _Walk(session, start_id, start_hash, max_problems)
    walk.run()
    problems += walk.problems
    scrubbed_to = walk.expected_id  # a run from the genesis has read everything
    accounts = None
    if start is None:
        problems += _accounts_from_genesis(session, walk.deltas)
        problems += _totals(session)
    else:
        window = max(scrub_window, walk.expected_id - start_id)
        accounts = checkpoints.compare_accounts(session, start, walk.deltas, window)
        problems += accounts.problems
        scrubbed_to, scrubbed = checkpoints.scrub(session, start, window)
        problems += scrubbed
    count, head_hash = head(session)
    if count != walk.expected_id or head_hash != walk.prev:
        problems.append(
            f"chain head says {count} transfers / {head_hash[:12]}…, "
            f"transfers end at {walk.expected_id} / {walk.prev[:12]}…"
        )
    result = Verification(
        not problems,
        walk.expected_id,
        walk.prev,
        problems[:max_problems],
        checked=walk.expected_id - start_id,
        since=start_id,
    )
    if result.ok and secret is not None and store:
        if owned:
            # End the snapshot first: a REPEATABLE READ write would fail on the accounts'
            # foreign-key checks whenever the live ledger moved one of them meanwhile.
            session.rollback()
        checkpoints.store(
            session, secret, walk.expected_id, walk.prev, start, walk.deltas, scrubbed_to, accounts
        )
    return result


def _accounts_from_genesis(session: Session, counters: dict[int, list[int]]) -> list[str]:
    problems = []
    for account in session.execute(
        select(
            Account.id,
            Account.debits_posted,
            Account.credits_posted,
            Account.debits_pending,
            Account.credits_pending,
        )
        .order_by(Account.id)
        .execution_options(yield_per=20000)
    ):
        want = counters.get(account.id, [0, 0, 0, 0])
        have = list(account[1:])
        if want != have:
            problems.append(
                f"account {account.id}: stored {have} but transfers give {want} "
                "(debits/credits posted, debits/credits pending)"
            )
    return problems


def _totals(session: Session) -> list[str]:
    """Balances sum to zero; no resident's available points below zero."""
    problems = []
    total = session.scalar(select(func.coalesce(func.sum(Account.balance), 0)))
    if total != 0:
        problems.append(f"balances sum to {total}, not 0")
    for account_id, available in session.execute(
        select(Account.id, Account.available)
        .where(Account.kind == "resident", Account.available < 0)
        .limit(10)
    ):
        problems.append(f"account {account_id}: available {available} < 0")
    return problems
