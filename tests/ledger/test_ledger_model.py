"""Does the ledger agree with an independent model under any sequence of operations?

A hypothesis RuleBasedStateMachine drives awards, holds, posts, voids, admin adjustments,
reversals, idempotent replays and refused overdrafts against a pure-Python model of the
counters. After every step: balances sum to zero, each account's counters equal the sum of
its transfers and the model's, no resident's available points are negative, `verify()` is
ok, and an operation the model predicts to be refused is refused and changed nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from points import ledger
from points.admin import adjustments
from points.db import write_transaction
from points.errors import (
    DuplicateReference,
    IdempotencyConflict,
    InsufficientPoints,
    InvalidAmount,
    NotPending,
    NotReversible,
)

SETTINGS = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
EARNING = ("award", "adjust")


# --- the model: plain Python, nothing shared with points.ledger -------------------------
@dataclass
class Counters:
    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0

    @property
    def available(self) -> int:
        return self.credits_posted - self.debits_posted - self.debits_pending


@dataclass
class Moved:
    """What the model remembers of one transfer."""

    id: int
    debit: int
    credit: int
    amount: int
    kind: str
    phase: str
    reference: str | None = None
    key: str | None = None


@dataclass
class Model:
    counters: dict[int, Counters]
    residents: set[int]
    count: int
    earned: dict[int, int] = field(default_factory=dict)  # resident account → lifetime earned
    moves: dict[int, Moved] = field(default_factory=dict)
    resolved: set[int] = field(default_factory=set)
    references: set[str] = field(default_factory=set)
    keys: dict[str, Moved] = field(default_factory=dict)

    def refusal(
        self, debit: int, credit: int, amount: int, kind: str, phase: str, reference, key
    ) -> type[Exception] | Moved | None:
        """Predict a transfer: an error class, the replayed transfer, or None (it goes ahead)."""
        if not 0 < amount <= ledger.MAX_AMOUNT:
            return InvalidAmount
        if key is not None and key in self.keys:
            earlier = self.keys[key]
            same = (earlier.debit, earlier.credit, earlier.amount, earlier.kind, earlier.phase)
            if same != (debit, credit, amount, kind, phase) or earlier.reference != reference:
                return IdempotencyConflict
            return earlier
        if reference is not None and reference in self.references:
            return DuplicateReference
        if debit in self.residents and self.counters[debit].available < amount:
            return InsufficientPoints
        return None

    def apply(self, moved: Moved, earned_as: str | None = None) -> None:
        self.count += 1
        self.moves[moved.id] = moved
        debit, credit = self.counters[moved.debit], self.counters[moved.credit]
        if moved.phase == "pending":
            debit.debits_pending += moved.amount
            credit.credits_pending += moved.amount
        else:
            debit.debits_posted += moved.amount
            credit.credits_posted += moved.amount
            self._earn(moved, earned_as or moved.kind)
        if moved.reference:
            self.references.add(moved.reference)
        if moved.key:
            self.keys[moved.key] = moved

    def resolve(self, hold: Moved, new_id: int, phase: str) -> None:
        self.count += 1
        self.resolved.add(hold.id)
        debit, credit = self.counters[hold.debit], self.counters[hold.credit]
        debit.debits_pending -= hold.amount
        credit.credits_pending -= hold.amount
        resolution = Moved(new_id, hold.debit, hold.credit, hold.amount, hold.kind, phase)
        self.moves[new_id] = resolution
        if phase == "post":
            debit.debits_posted += hold.amount
            credit.credits_posted += hold.amount
            self._earn(resolution, hold.kind)

    def _earn(self, moved: Moved, kind: str) -> None:
        if kind not in EARNING:
            return
        if moved.credit in self.residents:
            self.earned[moved.credit] = self.earned.get(moved.credit, 0) + moved.amount
        elif moved.debit in self.residents:
            self.earned[moved.debit] = self.earned.get(moved.debit, 0) - moved.amount


# --- reading the database ---------------------------------------------------------------
def db_counters(session) -> dict[int, Counters]:
    rows = session.execute(
        text(
            "SELECT id, debits_posted, credits_posted, debits_pending, credits_pending "
            "FROM accounts"
        )
    )
    return {row[0]: Counters(*row[1:]) for row in rows}


def counters_from_transfers(session) -> dict[int, Counters]:
    """Recompute every account's counters with SQL over the transfers (not ledger.verify)."""
    sums: dict[int, Counters] = {}
    rows = session.execute(
        text(
            "SELECT t.phase, t.debit_account_id, t.credit_account_id, t.amount, "
            "(SELECT r.phase FROM transfers r WHERE r.pending_id = t.id) "
            "FROM transfers t WHERE t.phase IN ('single', 'pending')"
        )
    )
    for phase, debit, credit, amount, resolution in rows:
        d, c = sums.setdefault(debit, Counters()), sums.setdefault(credit, Counters())
        if phase == "single" or resolution == "post":
            d.debits_posted += amount
            c.credits_posted += amount
        elif resolution is None:
            d.debits_pending += amount
            c.credits_pending += amount
    return sums


def db_earned(session, user_for_account: dict[int, int]) -> dict[int, int]:
    rows = session.execute(
        text("SELECT resident_id, points FROM earned_totals WHERE period = 'all'")
    )
    account_for_user = {user: account for account, user in user_for_account.items()}
    return {
        account_for_user[user]: points
        for user, points in rows
        if points and user in account_for_user
    }


# --- the test ---------------------------------------------------------------------------
def test_ledger_matches_an_independent_model_under_random_operations(
    session, town, make_person, snapshot
):
    villages = (town.village_a, town.village_a, town.village_b)  # residents 0 and 1 share 村A
    admin_for_village = {town.village_a.id: town.admin_a, town.village_b.id: town.admin_b}
    issuance = {v.id: ledger.village_account(session, v.id, "issuance").id for v in villages}
    redeemed = {v.id: ledger.village_account(session, v.id, "redeemed").id for v in villages}
    session.commit()
    example_numbers = itertools.count()
    who = st.integers(0, len(villages) - 1)
    # Holds are smaller than awards so that many of them go through; bad amounts have a rule.
    awards, spends, changes = st.integers(1, 300), st.integers(1, 60), st.integers(-60, 200)
    bad = st.sampled_from([0, -5, ledger.MAX_AMOUNT + 1])

    class LedgerMachine(RuleBasedStateMachine):
        moved = Bundle("moved")
        holds = Bundle("holds")
        resolutions = Bundle("resolutions")  # posted and voided holds, to refund or refuse

        def __init__(self) -> None:
            super().__init__()
            # The database outlives one example, so each example gets residents of its own
            # (starting at 0 points) and tags its references and idempotency keys; the
            # village accounts carry over, and the model starts from their stored counters.
            self.tag = next(example_numbers)
            people = [make_person(v, name=f"村民{self.tag}") for v in villages]
            self.accounts = [ledger.resident_account(session, p.id).id for p in people]
            self.village_of = {a: v.id for a, v in zip(self.accounts, villages, strict=True)}
            self.user_of = {a: p.id for a, p in zip(self.accounts, people, strict=True)}
            self.model = Model(
                counters=db_counters(session),
                residents=set(self.accounts),
                count=ledger.head(session)[0],
            )
            session.commit()

        # -- running one operation ----------------------------------------------------
        def attempt(self, predicted, operation):
            """Run `operation` in a write transaction; a predicted refusal must change nothing."""
            if isinstance(predicted, type) and issubclass(predicted, Exception):
                before = snapshot(session)
                with pytest.raises(predicted), write_transaction(session):
                    operation()
                assert snapshot(session) == before, "a refused operation wrote something"
                return None
            with write_transaction(session):
                result = operation()
            return result

        def move(self, debit, credit, amount, kind, *, pending=False, reference=None, key=None):
            phase = "pending" if pending else "single"
            predicted = self.model.refusal(debit, credit, amount, kind, phase, reference, key)
            count_before = ledger.head(session)[0]
            session.commit()
            result = self.attempt(
                predicted,
                lambda: (
                    ledger.transfer(
                        session,
                        debit_id=debit,
                        credit_id=credit,
                        amount=amount,
                        kind=kind,
                        pending=pending,
                        reference=reference,
                        idempotency_key=key,
                    ).id
                ),
            )
            if result is None:
                return None
            if isinstance(predicted, Moved):  # an idempotent replay: same transfer, no new row
                assert result == predicted.id
                assert ledger.head(session)[0] == count_before
                return None
            moved = Moved(result, debit, credit, amount, kind, phase, reference, key)
            self.model.apply(moved)
            return moved

        # -- rules ----------------------------------------------------------------------
        @initialize(target=moved)
        def everyone_starts_with_an_award(self):
            return multiple(
                *(self.move(issuance[self.village_of[a]], a, 100, "award") for a in self.accounts)
            )

        @rule(index=who, amount=bad, kind=st.sampled_from(["award", "redeem", "adjust"]))
        def refused_bad_amount(self, index, amount, kind):
            account = self.accounts[index]
            if kind == "adjust":
                self.adjust(index, amount)
                return
            village = self.village_of[account]
            if kind == "award":
                debit, credit = issuance[village], account
            else:
                debit, credit = account, redeemed[village]
            assert self.move(debit, credit, amount, kind, pending=kind == "redeem") is None

        @rule(
            target=moved,
            index=who,
            amount=awards,
            reference=st.sampled_from([None, None, "checkin:1", "checkin:2"]),
            key=st.sampled_from([None, None, "k1", "k2"]),
        )
        def award(self, index, amount, reference, key):
            account = self.accounts[index]
            issuer = issuance[self.village_of[account]]
            reference = f"{self.tag}:{reference}" if reference else None
            key = f"{self.tag}:{key}" if key else None
            moved = self.move(issuer, account, amount, "award", reference=reference, key=key)
            return moved if moved else multiple()

        @rule(target=holds, index=who, amount=spends)
        def hold(self, index, amount):
            account = self.accounts[index]
            sink = redeemed[self.village_of[account]]
            moved = self.move(account, sink, amount, "redeem", pending=True)
            return moved if moved else multiple()

        @rule(index=who, extra=st.integers(1, 50))
        def refused_overdraft(self, index, extra):
            account = self.accounts[index]
            wanted = self.model.counters[account].available + extra
            if wanted > ledger.MAX_AMOUNT:
                return
            assert self.move(account, redeemed[self.village_of[account]], wanted, "redeem") is None

        @rule(targets=(moved, resolutions), hold=holds, post=st.booleans())
        def resolve(self, hold, post):
            phase = "post" if post else "void"
            predicted = NotPending if hold.id in self.model.resolved else None
            act = ledger.post_pending if post else ledger.void_pending
            result = self.attempt(predicted, lambda: act(session, hold.id).id)
            if result is None:
                return multiple()
            self.model.resolve(hold, result, phase)
            return self.model.moves[result]

        @rule(
            target=moved,
            index=who,
            amount=changes,
        )
        def adjust(self, index, amount):
            account = self.accounts[index]
            village = self.village_of[account]
            issuer = issuance[village]
            if amount == 0 or abs(amount) > ledger.MAX_AMOUNT:
                predicted = InvalidAmount
            elif amount < 0 and self.model.counters[account].available < -amount:
                predicted = InsufficientPoints
            else:
                predicted = None
            result = self.attempt(
                predicted,
                lambda: (
                    adjustments.adjust(
                        session,
                        actor=admin_for_village[village],
                        resident_id=self.user_of[account],
                        amount=amount,
                        reason="巡防加分" if amount > 0 else "扣分",
                    ).id
                ),
            )
            if result is None:
                return multiple()
            debit, credit = (issuer, account) if amount > 0 else (account, issuer)
            moved = Moved(result, debit, credit, abs(amount), "adjust", "single")
            self.model.apply(moved)
            return moved

        @rule(target=moved, original=resolutions)
        def refund(self, original):
            return self.reverse(original)

        @rule(target=moved, original=moved)
        def reverse(self, original):
            reference = f"reverse:{original.id}"
            if original.phase not in ("single", "post") or original.kind == "reverse":
                predicted = NotReversible
            elif reference in self.model.references:
                predicted = DuplicateReference
            elif (
                original.credit in self.model.residents
                and self.model.counters[original.credit].available < original.amount
            ):
                predicted = InsufficientPoints
            else:
                predicted = None
            result = self.attempt(predicted, lambda: ledger.reverse(session, original.id).id)
            if result is None:
                return multiple()
            moved = Moved(
                result,
                original.credit,
                original.debit,
                original.amount,
                "reverse",
                "single",
                reference,
            )
            self.model.apply(moved, earned_as=original.kind)
            return moved

        # -- invariants -------------------------------------------------------------------
        @invariant()
        def database_agrees_with_the_model(self):
            stored = db_counters(session)
            assert sum(c.credits_posted - c.debits_posted for c in stored.values()) == 0
            assert stored == self.model.counters
            recomputed = counters_from_transfers(session)
            for account_id, counters in stored.items():
                assert recomputed.get(account_id, Counters()) == counters, account_id
            kinds = dict(session.execute(text("SELECT id, kind FROM accounts")).all())
            for account_id, counters in stored.items():
                assert kinds[account_id] != "resident" or counters.available >= 0
            assert ledger.head(session)[0] == self.model.count
            assert db_earned(session, self.user_of) == {
                k: v for k, v in self.model.earned.items() if v
            }
            result = ledger.verify(session)
            assert result.ok, result.problems
            session.commit()

    run_state_machine_as_test(LedgerMachine, settings=SETTINGS)
