"""Can a resident claim points, a grid worker approve them, the village object, and does the
award post only when the notice (公示) ends with no upheld objection?"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from case_helpers import available, shanghai
from sqlalchemy import func, select
from support.books import assert_books_agree, posted

from points import policy
from points.cases import claims, publicity
from points.errors import Forbidden
from points.models import Notice, Posting, Transfer


def _claim(session, who, code="rescue", **extra):
    return claims.submit(session, claimant=who, rule_code=code, title="帮邻居转移物资", **extra)


def _notices(session, person, kind):
    return session.scalars(
        select(Notice.message).where(Notice.user_id == person.id, Notice.kind == kind)
    ).all()


def test_an_approved_claim_is_held_on_notice_and_posts_exactly_at_the_end_of_its_last_shanghai_day(
    session, claims_town
):
    town = claims_town
    case = _claim(session, town.resident_a)
    approved_at = shanghai(2026, 12, 1, 23, 30)  # late evening: still 1 December in Shanghai
    decision = claims.approve(session, actor=town.staff_a, case_id=case.id, now=approved_at)
    posting = decision.posting
    assert decision.case.status == "approved"
    assert posting.status == "open" and posting.points == 20
    assert posting.end_date == date(2026, 12, 4)
    assert posting.ends_at == shanghai(2026, 12, 5, 0, 0)  # 2026-12-04 16:00 UTC
    assert available(session, town.resident_a) == 0  # held, not yet spendable
    assert_books_agree(session)

    just_before = posting.ends_at - timedelta(seconds=1)
    with time_machine.travel(just_before.isoformat() + "Z", tick=False):
        assert publicity.post_due(session) == 0
        listed = publicity.public_listing(session, town.village_a.id)
    assert [row["display_name"] for row in listed] == ["张*丰"]
    assert posted(session, town.resident_a) == 0

    with time_machine.travel(posting.ends_at.isoformat() + "Z", tick=False):
        assert publicity.post_due(session) == 1
        assert publicity.post_due(session) == 0  # idempotent
        assert publicity.public_listing(session, town.village_a.id) == []
    assert posted(session, town.resident_a) == 20
    assert available(session, town.resident_a) == 20
    assert session.get(Posting, posting.id).status == "posted"
    assert _notices(session, town.resident_a, "claim.credited")
    assert_books_agree(session)


def test_a_rule_with_no_notice_posts_the_award_at_approval(session, claims_town):
    town = claims_town
    case = _claim(session, town.resident_a, code="wallet")
    decision = claims.approve(session, actor=town.admin_a, case_id=case.id)
    assert decision.posting.status == "posted"
    assert posted(session, town.resident_a) == 5
    assert publicity.public_listing(session, town.village_a.id) == []
    assert_books_agree(session)


def test_caps_are_consumed_when_the_claim_is_approved(session, claims_town):
    town = claims_town
    first = _claim(session, town.resident_a, code="volunteer", units=4)
    second = _claim(session, town.resident_a, code="volunteer", units=4)
    now = shanghai(2026, 12, 2, 10, 0)
    one = claims.approve(session, actor=town.staff_a, case_id=first.id, now=now)
    two = claims.approve(session, actor=town.staff_a, case_id=second.id, now=now)
    assert one.posting.points == 8
    assert two.posting.points == 2  # 10 a week at most
    assert two.granted.capped_by is not None
    assert_books_agree(session)


def test_a_rejection_needs_a_reason_and_tells_the_claimant(session, claims_town):
    town = claims_town
    case = _claim(session, town.resident_a)
    with pytest.raises(publicity.ReasonNeeded):
        claims.reject(session, actor=town.staff_a, case_id=case.id, reason="  ")
    assert session.get(type(case), case.id).status == "submitted"
    claims.reject(session, actor=town.staff_a, case_id=case.id, reason="当天没有抢险任务")
    assert session.get(type(case), case.id).status == "rejected"
    assert any(
        "当天没有抢险任务" in m for m in _notices(session, town.resident_a, "claim.rejected")
    )
    assert session.scalar(select(func.count()).select_from(Transfer)) == 0


@pytest.mark.parametrize(
    ("first", "then"),
    [("approve", "approve"), ("approve", "reject"), ("reject", "approve"), ("reject", "reject")],
)
def test_a_decided_claim_cannot_be_decided_again(session, claims_town, first, then):
    town = claims_town
    case = _claim(session, town.resident_a)
    decide = {
        "approve": lambda: claims.approve(session, actor=town.admin_a, case_id=case.id),
        "reject": lambda: claims.reject(
            session, actor=town.admin_a, case_id=case.id, reason="不符"
        ),
    }
    decide[first]()
    transfers = session.scalar(select(func.count()).select_from(Transfer))
    with pytest.raises(claims.IllegalTransition) as refused:
        decide[then]()
    assert refused.value.details == {"status": "approved" if first == "approve" else "rejected"}
    assert session.scalar(select(func.count()).select_from(Transfer)) == transfers
    assert_books_agree(session)


def test_who_may_decide_a_claim(session, claims_town, make_person):
    town = claims_town
    case = _claim(session, town.resident_a)
    flood = _claim(session, town.resident_a, code="flood")
    other_staff = make_person(town.village_a, "staff", "另一网格员")
    for actor, case_id, refused in [
        (town.resident_a, case.id, policy.SelfDecision),
        (town.resident_a2, case.id, Forbidden),  # a neighbour, not staff
        (other_staff, case.id, Forbidden),  # staff of no grid of hers
        (town.admin_b, case.id, Forbidden),  # another village's admin
        (town.staff_a, flood.id, Forbidden),  # 防汛值守 is confirmed by the village admin
    ]:
        with pytest.raises(refused):
            claims.approve(session, actor=actor, case_id=case_id)
    claims.approve(session, actor=town.admin_a, case_id=flood.id)
    claims.approve(session, actor=town.staff_a, case_id=case.id)


def test_a_deduction_rule_cannot_be_claimed(session, claims_town):
    with pytest.raises(claims.NotClaimable):
        _claim(session, claims_town.resident_a, code="burning")


def _on_notice(session, town, at=None):
    case = _claim(session, town.resident_a)
    return claims.approve(
        session, actor=town.staff_a, case_id=case.id, now=at or shanghai(2026, 12, 1, 9, 0)
    ).posting


def test_an_upheld_objection_voids_the_hold_and_tells_the_claimant_why(session, claims_town):
    town = claims_town
    posting = _on_notice(session, town)
    with time_machine.travel(shanghai(2026, 12, 2, 9, 0).isoformat() + "Z", tick=False):
        objection = publicity.object_to(
            session, actor=town.resident_a2, posting_id=posting.id, reason="那天他在外地"
        )
        with pytest.raises(publicity.AlreadyObjected):
            publicity.object_to(
                session, actor=town.resident_a2, posting_id=posting.id, reason="再说一次"
            )
        publicity.uphold(session, actor=town.admin_a, objection_id=objection.id, reason="核实属实")
        with pytest.raises(publicity.ObjectionDecided):
            publicity.dismiss(session, actor=town.admin_a, objection_id=objection.id)
    assert session.get(Posting, posting.id).status == "voided"
    with time_machine.travel(shanghai(2026, 12, 9, 9, 0).isoformat() + "Z", tick=False):
        assert publicity.post_due(session) == 0
    assert posted(session, town.resident_a) == 0
    told = _notices(session, town.resident_a, "claim.voided")
    assert told and "核实属实" in told[0]
    assert_books_agree(session)


def test_an_open_objection_holds_the_award_past_the_end_until_it_is_dismissed(session, claims_town):
    town = claims_town
    posting = _on_notice(session, town)
    with time_machine.travel(shanghai(2026, 12, 2, 9, 0).isoformat() + "Z", tick=False):
        objection = publicity.object_to(
            session, actor=town.resident_a2, posting_id=posting.id, reason="不清楚是否属实"
        )
    with time_machine.travel(shanghai(2026, 12, 6, 9, 0).isoformat() + "Z", tick=False):
        assert publicity.post_due(session) == 0
        publicity.dismiss(session, actor=town.admin_a, objection_id=objection.id, reason="已核实")
        with pytest.raises(publicity.ObjectionDecided) as refused:
            publicity.uphold(session, actor=town.admin_a, objection_id=objection.id)
        assert refused.value.details == {"status": "dismissed"}
        assert publicity.post_due(session) == 1
    assert posted(session, town.resident_a) == 20
    assert_books_agree(session)


def test_only_a_neighbour_may_object_and_only_while_the_notice_runs(session, claims_town):
    town = claims_town
    posting = _on_notice(session, town)
    with time_machine.travel(shanghai(2026, 12, 2, 9, 0).isoformat() + "Z", tick=False):
        with pytest.raises(policy.NotANeighbour):
            publicity.object_to(session, actor=town.resident_b, posting_id=posting.id, reason="x")
        with pytest.raises(policy.OwnPosting):
            publicity.object_to(session, actor=town.resident_a, posting_id=posting.id, reason="x")
        with pytest.raises(publicity.ReasonNeeded):
            publicity.object_to(session, actor=town.resident_a2, posting_id=posting.id, reason="")
    with (
        time_machine.travel(posting.ends_at.isoformat() + "Z", tick=False),
        pytest.raises(publicity.PostingClosed),
    ):
        publicity.object_to(session, actor=town.resident_a2, posting_id=posting.id, reason="晚了")
    assert session.scalar(select(func.count()).select_from(Posting)) == 1


def test_only_an_admin_over_the_village_decides_an_objection(session, claims_town):
    town = claims_town
    posting = _on_notice(session, town)
    with time_machine.travel(shanghai(2026, 12, 2, 9, 0).isoformat() + "Z", tick=False):
        objection = publicity.object_to(
            session, actor=town.resident_a2, posting_id=posting.id, reason="有疑问"
        )
        for actor in (town.staff_a, town.admin_b, town.resident_a2):
            with pytest.raises(Forbidden):
                publicity.uphold(session, actor=actor, objection_id=objection.id)
        publicity.uphold(session, actor=town.town_admin, objection_id=objection.id)
