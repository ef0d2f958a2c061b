"""Do the per-period totals kept beside each transfer always equal what the ledger says?"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import board_oracle as oracle
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from points import ledger
from points.db import write_transaction
from points.errors import InsufficientPoints, NotPending
from points.models import Checkin, EarnedTotal, Participation
from points.people import NewPerson, create_person
from points.places import create_village

START = datetime(2026, 12, 30, 12, 0)  # two days before new year's midnight in Shanghai
_codes = itertools.count(1)
_phones = itertools.count(16_000_000)

step = st.tuples(
    st.sampled_from(
        ["award", "adjust+", "adjust-", "reverse", "redeem", "hold", "post", "void", "checkin"]
    ),
    st.integers(0, 3),
    st.integers(1, 40),
    st.integers(0, 72 * 60),  # minutes after START, in order
)


def kept(session) -> dict[tuple[str, int], tuple[int, datetime]]:
    return {
        (row.period, row.resident_id): (row.points, row.reached_at)
        for row in session.scalars(select(EarnedTotal))
    }


def participation_from_checkins(session) -> set[tuple[str, int]]:
    return {
        (key, c.resident_id)
        for c in session.scalars(select(Checkin))
        for key in oracle.keys_at(c.created_at)
    }


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=20))
def test_period_totals_equal_the_ledger_after_random_operations(session, home_town, points, steps):
    code = f"P{next(_codes)}"
    village = create_village(session, town_id=home_town.id, name=f"村{code}", code=code)
    people = [
        create_person(
            session,
            NewPerson(name="王小明", phone=f"139{next(_phones):08d}", village_id=village.id),
        )
        for _ in range(4)
    ]
    holds: list[int] = []
    for op, whom, amount, minutes in sorted(steps, key=lambda s: s[3]):
        user, at = people[whom], START + timedelta(minutes=minutes)
        if op in ("adjust-", "reverse", "redeem", "hold"):
            # Take at most what the resident has, so that most debits go through.
            amount = min(amount, ledger.resident_account(session, user.id).available)
            if amount == 0:
                continue
        try:
            if op in ("award", "adjust+"):
                points.award(user, amount, at, kind="award" if op == "award" else "adjust")
            elif op in ("adjust-", "reverse"):
                points.deduct(user, amount, at, kind="adjust" if op == "adjust-" else "reverse")
            elif op in ("redeem", "hold"):
                held = points.redeem(user, amount, at, pending=op == "hold")
                if op == "hold":
                    holds.append(held.id)
            elif op == "checkin":
                points.checkin(user, "patrol", at, amount)
            elif holds:
                resolve = ledger.post_pending if op == "post" else ledger.void_pending
                # A resolution is stamped with the server clock: travel there.
                with time_machine.travel(at, tick=False), write_transaction(session):
                    resolve(session, holds.pop(0))
        except (InsufficientPoints, NotPending):
            pass
    session.expire_all()
    assert kept(session) == oracle.earned(session)
    assert {
        (row.period, row.resident_id) for row in session.scalars(select(Participation))
    } == participation_from_checkins(session)
    assert ledger.verify(session).ok
