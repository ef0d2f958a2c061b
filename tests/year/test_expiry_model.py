"""Expiry against an independent model of lots, under any sequence of operations.

A hypothesis RuleBasedStateMachine earns, spends, deducts, holds, posts and voids points at
a moving (Shanghai) clock, and settles the year now and then, in a village whose points earned
in year Y are valid through 3月31日 of Y+1. The model is plain Python: lots spent oldest first,
holds reserve, a void gives back to the same lots. After every step the ledger verifies and
every resident's points left equal the model's; after each settlement nothing past its last
day is kept and nothing inside it is lost; settling twice writes nothing more.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
from sqlalchemy import func, select
from year_helpers import shanghai, village_with_expiry

from points import ledger
from points.db import write_transaction
from points.models import EarnedTotal
from points.year import lots as lots_of
from points.year import settlement

SETTINGS = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
START = shanghai(2025, 1, 1, 9)


def gone_from(earned_at: datetime) -> datetime:
    """The model's own rule: earned in Shanghai year Y → gone from Y+1-04-01 00:00 Shanghai."""
    local_year = (earned_at + timedelta(hours=8)).year  # Shanghai is UTC+8, no DST
    return datetime(local_year + 1, 3, 31, 16, 0)  # 04-01 00:00 Shanghai, as stored UTC


@dataclass
class ModelLot:
    earned_at: datetime
    left: int
    held: int = 0


@dataclass
class Person:
    account: int
    user: int
    lots: list[ModelLot] = field(default_factory=list)
    holds: dict[int, list[tuple[ModelLot, int]]] = field(default_factory=dict)
    earned: int = 0  # lifetime: awards less deductions

    @property
    def left(self) -> int:
        return sum(lot.left for lot in self.lots)

    def take(self, amount: int) -> list[tuple[ModelLot, int]]:
        takes = []
        for lot in sorted(self.lots, key=lambda x: x.earned_at):
            n = min(lot.left, amount)
            if n:
                lot.left -= n
                amount -= n
                takes.append((lot, n))
        assert amount == 0
        return takes


def test_expiry_matches_a_model_of_lots_under_random_operations(session, town, make_person):
    examples = itertools.count()
    amounts = st.integers(1, 120)

    class ExpiryMachine(RuleBasedStateMachine):
        holds = Bundle("holds")

        def __init__(self) -> None:
            super().__init__()
            n = next(examples)
            self.village = village_with_expiry(session, town, {"mode": "year_end", "date": "03-31"})
            self.issuance = ledger.village_account(session, self.village.id, "issuance").id
            self.sink = ledger.village_account(session, self.village.id, "redeemed").id
            self.people = []
            for i in range(2):
                user = make_person(self.village, name=f"村民{n}{i}")
                account = ledger.resident_account(session, user.id).id
                self.people.append(Person(account, user.id))
            session.commit()
            self.clock = START
            self.resolved: set[int] = set()

        def write(self, **fields):
            with write_transaction(session):
                return ledger.transfer(session, now=self.clock, **fields).id

        # -- rules ----------------------------------------------------------------------
        @initialize()
        def everyone_starts_with_an_award(self):
            for person in self.people:
                self.award_to(person, 100)

        def award_to(self, person: Person, amount: int) -> None:
            self.write(
                debit_id=self.issuance, credit_id=person.account, amount=amount, kind="award"
            )
            person.lots.append(ModelLot(self.clock, amount))
            person.earned += amount

        @rule(days=st.integers(0, 120), hours=st.integers(0, 23))
        def time_passes(self, days, hours):
            self.clock += timedelta(days=days, hours=hours)

        @rule(index=st.integers(0, 1), amount=amounts)
        def award(self, index, amount):
            self.award_to(self.people[index], amount)

        @rule(index=st.integers(0, 1), amount=amounts, deduct=st.booleans())
        def spend(self, index, amount, deduct):
            person = self.people[index]
            if amount > person.left:
                return
            credit = self.issuance if deduct else self.sink
            kind = "adjust" if deduct else "redeem"
            self.write(debit_id=person.account, credit_id=credit, amount=amount, kind=kind)
            person.take(amount)
            if deduct:
                person.earned -= amount

        @rule(target=holds, index=st.integers(0, 1), amount=amounts)
        def hold(self, index, amount):
            person = self.people[index]
            if amount > person.left:
                return multiple()
            held = self.write(
                debit_id=person.account,
                credit_id=self.sink,
                amount=amount,
                kind="redeem",
                pending=True,
            )
            takes = person.take(amount)
            for lot, n in takes:
                lot.held += n
            person.holds[held] = takes
            return (index, held)

        @rule(hold=holds, post=st.booleans())
        def resolve(self, hold, post):
            index, held = hold
            if held in self.resolved:
                return
            with write_transaction(session):
                (ledger.post_pending if post else ledger.void_pending)(session, held)
            self.resolved.add(held)
            for lot, n in self.people[index].holds.pop(held):
                lot.held -= n
                if not post:
                    lot.left += n

        @rule(twice=st.booleans())
        def settle(self, twice):
            expected = {}
            for person in self.people:
                due = [lot for lot in person.lots if gone_from(lot.earned_at) <= self.clock]
                expected[person.account] = sum(lot.left for lot in due)
                for lot in due:
                    lot.left = 0
            done = settlement.run(session, now=self.clock, village_ids=[self.village.id])
            got = {e.account_id: e.points for e in done}
            assert got == {a: p for a, p in expected.items() if p}
            if twice:
                before = ledger.head(session)[0]
                assert settlement.run(session, now=self.clock, village_ids=[self.village.id]) == []
                assert ledger.head(session)[0] == before

        # -- after every step -------------------------------------------------------------
        @invariant()
        def the_ledger_agrees_with_the_model(self):
            assert ledger.verify(session).ok
            for person in self.people:
                found = lots_of.of_account(session, person.account)
                assert [(lot.left, lot.held) for lot in found.lots] == [
                    (lot.left, lot.held) for lot in person.lots
                ]
                account = ledger.resident_account(session, person.user)
                assert account.available == person.left
                lifetime = session.scalar(
                    select(func.coalesce(func.sum(EarnedTotal.points), 0)).where(
                        EarnedTotal.resident_id == person.user, EarnedTotal.period == "all"
                    )
                )
                assert lifetime == person.earned  # expiry never lowers lifetime points
            session.commit()

    run_state_machine_as_test(ExpiryMachine, settings=SETTINGS)
