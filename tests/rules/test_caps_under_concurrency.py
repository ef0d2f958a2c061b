"""Do caps hold when awards race: checked and consumed inside each award's transaction?"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from support.races import race_in_app

from points import rules
from points.extensions import db
from points.models import CapUsage, Transfer

pytestmark = pytest.mark.slow

# A Wednesday afternoon in Shanghai (stored as UTC).
WEDNESDAY = datetime(2026, 3, 11, 6, 0)


def _award(rule_id: int, resident_id: int, i: int):
    return rules.award(
        db.session, rule_id=rule_id, resident_id=resident_id, memo=f"race {i}", at=WEDNESDAY
    )


def test_a_capped_rule_awards_exactly_three_times_a_week_under_twenty_racing_awards(
    app, session, town, book
):
    rule, resident = book["patrol"], town.resident_a.id
    outcomes = race_in_app(app, 20, lambda i: _award(rule, resident, i), timeout=120)

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert not errors, errors[:3]
    paid = [o for o in outcomes if o.transfer_id is not None]
    held = [o for o in outcomes if o.transfer_id is None]
    assert len(paid) == 3 and len(held) == 17
    assert all(o.granted.points == 10 for o in paid)
    assert all(o.granted.points == 0 and o.granted.capped_by for o in held)
    assert held[0].granted.capped_by.message == "本周巡防积分已达上限 3 次"
    session.rollback()
    assert session.scalar(select(func.count()).where(Transfer.rule_id == rule)) == 3
    used = session.scalar(select(CapUsage).where(CapUsage.rule_id == rule))
    assert (used.holder, used.period, used.times, used.points) == (
        f"r{resident}",
        "w2026-11",
        3,
        30,
    )


def test_a_household_cap_is_shared_by_two_members_racing(app, session, town, book):
    rule = book["sorting"]
    members = [town.resident_a.id, town.resident_a2.id]
    outcomes = race_in_app(app, 16, lambda i: _award(rule, members[i % 2], i), timeout=120)

    assert not [o for o in outcomes if isinstance(o, BaseException)]
    paid = [o for o in outcomes if o.transfer_id is not None]
    assert len(paid) == 3
    assert all(
        o.granted.capped_by.message == "本户本月垃圾分类积分已达上限 3 次"
        for o in outcomes
        if o.transfer_id is None
    )
    session.rollback()
    moved = session.scalar(select(func.sum(Transfer.amount)).where(Transfer.rule_id == rule))
    assert moved == 6
