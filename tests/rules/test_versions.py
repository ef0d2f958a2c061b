"""Does every award keep the rule version it was made under when the book changes?"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rule_helpers import ITEMS, publish
from sqlalchemy import select

from points import rules
from points.models import RuleVersion, Transfer


def _patrol(points: int) -> list[dict]:
    return [{**item, "points": points} if item["code"] == "patrol" else item for item in ITEMS]


def test_an_award_made_before_a_new_version_keeps_its_version(session, town, book):
    before = rules.award(
        session,
        rule_id=book["patrol"],
        resident_id=town.resident_a.id,
        memo="巡防",
        at=datetime(2026, 3, 1, 4, 0),
    )
    publish(session, town, _patrol(12), effective_from=date(2026, 4, 1))
    after = rules.award(
        session,
        rule_id=book["patrol"],
        resident_id=town.resident_a.id,
        memo="巡防",
        at=datetime(2026, 4, 1, 4, 0),
    )

    assert (before.granted.points, before.granted.terms.version) == (10, 2)
    assert (after.granted.points, after.granted.terms.version) == (12, 3)
    first = session.get(Transfer, before.transfer_id)
    kept = session.get(RuleVersion, first.rule_version_id)
    assert (first.amount, kept.points, first.rule_id) == (10, 10, book["patrol"])
    assert session.get(Transfer, after.transfer_id).rule_version_id != first.rule_version_id


def test_the_version_in_force_is_chosen_by_the_shanghai_day_of_the_award(session, town, book):
    publish(session, town, _patrol(12), effective_from=date(2026, 4, 1))
    # 2026-03-31 23:30 in Shanghai is 15:30 UTC: still version 2.
    late = rules.award(
        session,
        rule_id=book["patrol"],
        resident_id=town.resident_a.id,
        memo="巡防",
        at=datetime(2026, 3, 31, 15, 30),
    )
    assert late.granted.points == 10


def test_a_rule_left_out_of_a_new_version_is_no_longer_in_force(session, town, book):
    publish(
        session, town, [i for i in ITEMS if i["code"] != "burning"], effective_from=date(2026, 5, 1)
    )
    with pytest.raises(rules.RuleNotInForce):
        rules.award(
            session,
            rule_id=book["burning"],
            resident_id=town.resident_a.id,
            memo="x",
            at=datetime(2026, 5, 2, 4, 0),
        )


def test_a_new_version_may_not_start_before_the_one_in_force(session, town, book):
    with pytest.raises(rules.book.EffectiveTooEarly):
        publish(session, town, effective_from=date(2025, 12, 1))


def test_a_tiered_rule_awards_the_named_tier_and_a_deduction_takes_points(
    session, town, book, give
):
    give(town.resident_a, 5)
    case = rules.award(
        session,
        rule_id=book["mediation"],
        resident_id=town.resident_a.id,
        memo="调解",
        tier="较复杂",
        at=datetime(2026, 3, 2, 4, 0),
    )
    fine = rules.award(
        session,
        rule_id=book["burning"],
        resident_id=town.resident_a.id,
        memo="焚烧",
        at=datetime(2026, 3, 2, 5, 0),
    )
    assert case.granted.points == 30 and fine.granted.signed == -10
    assert fine.balance == 25
    deducted = session.get(Transfer, fine.transfer_id)
    assert deducted.rule_id == book["burning"]
    assert session.scalar(select(Transfer.kind).where(Transfer.id == fine.transfer_id)) == "adjust"
