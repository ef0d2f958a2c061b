"""Does a hazard report go submitted → verified → assigned → fixed → closed, pay its reporter
through the 公示, refuse every move its state does not allow, and flag missed deadlines?"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from hazard_helpers import shanghai
from sqlalchemy import func, select
from support.books import assert_books_agree, posted

from points.cases import deadlines, hazards, machine, publicity
from points.errors import Forbidden
from points.models import Case, Posting, Transfer
from points.places import settings
from points.policy import OwnReport

PHOTO = ["report.webp"]


def _report(session, who, *, now=None, **extra):
    return hazards.report(
        session,
        reporter=who,
        title="村口电线杆倾斜",
        photos=PHOTO,
        place_text="村口小卖部旁",
        now=now,
        **extra,
    )


def _count(session, table) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(table))


def test_a_report_is_verified_assigned_fixed_rated_and_the_award_posts_when_the_notice_ends(
    session, hazard_town
):
    t = hazard_town
    reported = shanghai(2026, 12, 1, 9, 0)  # a Tuesday
    case = _report(session, t.resident_a, now=reported, lat="29.6", lng="120.8")
    assert case.status == "submitted" and case.grid_id == t.grid.id
    assert (case.lat, case.lng) == (29.6, 120.8)
    assert case.verify_due_at == shanghai(2026, 12, 4, 0, 0)  # the end of Thursday

    done = hazards.verify(session, actor=t.staff_a, case_id=case.id, now=reported)
    assert done.case.status == "verified" and done.posting.points == 10
    assert done.case.fix_due_at == shanghai(2026, 12, 9, 0, 0)  # 7 days, to the end of the 8th
    assert [
        row["points"] for row in publicity.public_listing(session, t.village_a.id, reported)
    ] == [10]
    assert_books_agree(session)

    hazards.assign(session, actor=t.staff_a, case_id=case.id, department="镇供电所", now=reported)
    fixed = hazards.fix(
        session, actor=t.staff_a, case_id=case.id, photos=["fix.webp"], now=reported
    )
    assert fixed.case.status == "fixed"
    rated = hazards.rate(
        session, actor=t.resident_a, case_id=case.id, rating="5", comment="修得快", now=reported
    )
    assert (rated.case.status, rated.case.rating, rated.case.rating_comment) == (
        "closed",
        5,
        "修得快",
    )
    view = hazards.view(session, rated.case, now=reported)
    assert (
        view["assignee"] == "镇供电所" and len(view["photos"]) == 1 and len(view["fix_photos"]) == 1
    )

    assert posted(session, t.resident_a) == 0
    with time_machine.travel(done.posting.ends_at.isoformat() + "Z", tick=False):
        assert publicity.post_due(session) == 1
    assert posted(session, t.resident_a) == 10
    assert_books_agree(session)


def test_a_hazard_assigned_to_a_grid_worker_is_fixed_by_them_and_closed_by_the_grid(
    session, hazard_town
):
    t = hazard_town
    case = _report(session, t.resident_a)
    hazards.verify(session, actor=t.staff_b, case_id=case.id)
    hazards.assign(session, actor=t.admin_a, case_id=case.id, assignee_id=t.staff_a.id)
    hazards.fix(session, actor=t.staff_a, case_id=case.id, photos=["fix.webp"])
    closed = hazards.close(session, actor=t.staff_b, case_id=case.id)
    assert closed.case.status == "closed" and closed.case.rating is None
    again = hazards.rate(session, actor=t.resident_a, case_id=case.id, rating=3)  # still once
    assert again.case.rating == 3
    with pytest.raises(machine.CaseMoveRefused) as refused:
        hazards.rate(session, actor=t.resident_a, case_id=case.id, rating=4)
    assert refused.value.details == {"status": "closed"}


def test_a_rejection_needs_a_reason_tells_the_reporter_and_awards_nothing(session, hazard_town):
    t = hazard_town
    case = _report(session, t.resident_a)
    with pytest.raises(publicity.ReasonNeeded):
        hazards.reject(session, actor=t.staff_a, case_id=case.id, reason=" ")
    done = hazards.reject(session, actor=t.staff_a, case_id=case.id, reason="不是隐患")
    assert done.case.status == "rejected" and done.case.reason == "不是隐患"
    assert _count(session, Transfer) == 0


def test_a_duplicate_gets_the_lesser_amount_and_the_first_reporter_keeps_the_full_award(
    session, hazard_town
):
    t = hazard_town
    first = _report(session, t.resident_a)
    later = _report(session, t.resident_a2)
    with pytest.raises(machine.BadCase):  # the first is not verified yet
        hazards.mark_duplicate(session, actor=t.staff_a, case_id=later.id, duplicate_of=first.id)
    hazards.verify(session, actor=t.staff_a, case_id=first.id)
    with pytest.raises(machine.BadCase):  # not a duplicate of itself
        hazards.mark_duplicate(session, actor=t.staff_a, case_id=first.id, duplicate_of=first.id)
    done = hazards.mark_duplicate(
        session, actor=t.staff_a, case_id=later.id, duplicate_of=str(first.id)
    )
    assert done.case.status == "duplicate" and done.case.duplicate_of == first.id
    holds = dict(session.execute(select(Posting.case_id, Posting.points)).all())
    assert holds == {first.id: 10, later.id: 1}
    assert_books_agree(session)


# Every move from every state it does not start from: 409 with the state, nothing written.
MOVES = {
    "verify": lambda s, t, c: hazards.verify(s, actor=t.staff_a, case_id=c),
    "reject": lambda s, t, c: hazards.reject(s, actor=t.staff_a, case_id=c, reason="不是"),
    "assign": lambda s, t, c: hazards.assign(s, actor=t.staff_a, case_id=c, department="镇城建办"),
    "fix": lambda s, t, c: hazards.fix(s, actor=t.staff_a, case_id=c, photos=["f.webp"]),
    "close": lambda s, t, c: hazards.close(s, actor=t.staff_a, case_id=c),
    "rate": lambda s, t, c: hazards.rate(s, actor=t.resident_a, case_id=c, rating=4),
}
STARTS = {
    "verify": {"submitted"},
    "reject": {"submitted"},
    "assign": {"verified", "assigned"},
    "fix": {"assigned"},
    "close": {"fixed"},
    "rate": {"fixed"},  # and closed while unrated
}
PATH = ["submitted", "verified", "assigned", "fixed", "closed"]


def _case_in(session, t, state):
    case = _report(session, t.resident_a)
    if state == "rejected":
        MOVES["reject"](session, t, case.id)
        return case.id
    for step in ("verify", "assign", "fix", "rate")[: PATH.index(state)]:
        MOVES[step](session, t, case.id)
    return case.id


def test_every_move_its_state_does_not_allow_is_refused_with_the_state_and_writes_nothing(
    session, hazard_town
):
    t = hazard_town
    for state in [*PATH, "rejected"]:
        case_id = _case_in(session, t, state)
        before = (_count(session, Transfer), _count(session, Posting))
        for action, call in MOVES.items():
            if state in STARTS[action]:
                continue
            with pytest.raises(machine.CaseMoveRefused) as refused:
                call(session, t, case_id)
            assert refused.value.details == {"status": state}, (state, action)
            assert session.get(Case, case_id).status == state
        assert (_count(session, Transfer), _count(session, Posting)) == before, state
    assert_books_agree(session)


def test_who_may_act_on_a_report(session, hazard_town):
    t = hazard_town
    case = _report(session, t.staff_a)  # a grid worker's own report
    with pytest.raises(OwnReport):
        hazards.verify(session, actor=t.staff_a, case_id=case.id)
    with pytest.raises(Forbidden):
        hazards.verify(session, actor=t.resident_a2, case_id=case.id)
    with pytest.raises(Forbidden):
        hazards.verify(session, actor=t.admin_b, case_id=case.id)
    other = _report(session, t.resident_a, grid_id=t.other_grid.id)
    with pytest.raises(Forbidden):  # not one of her grids
        hazards.verify(session, actor=t.staff_a, case_id=other.id)
    hazards.verify(session, actor=t.admin_a, case_id=other.id)
    with pytest.raises(Forbidden):
        hazards.rate(session, actor=t.resident_a2, case_id=other.id, rating=5)
    assert session.get(Case, case.id).status == "submitted"


BAD_REPORTS = {
    "no photo": {"photos": []},
    "five photos": {"photos": ["a"] * 5},
    "no title": {"title": " "},
    "off the earth": {"lat": "91", "lng": "120"},
    "not a number": {"lat": "nan", "lng": "1"},
    "half a position": {"lat": "29.1"},
}


def test_a_bad_report_is_refused_and_nothing_is_kept(session, hazard_town):
    t = hazard_town
    for why, fields in BAD_REPORTS.items():
        given = {"title": "井盖缺失", "photos": PHOTO, **fields}
        with pytest.raises(machine.BadCase):
            hazards.report(session, reporter=t.resident_a, **given)
        assert _count(session, Case) == 0, why


def test_deadlines_count_working_days_in_shanghai_and_overdue_reports_are_flagged(
    session, hazard_town
):
    t = hazard_town
    friday_night = shanghai(2026, 12, 4, 23, 30)  # Friday 23:30 in Shanghai
    assert deadlines.verify_due(friday_night, 2) == shanghai(2026, 12, 9, 0, 0)  # Tuesday's end
    saturday = shanghai(2026, 12, 5, 10, 0)
    assert deadlines.verify_due(saturday, 1) == shanghai(2026, 12, 8, 0, 0)  # Monday's end
    with settings_of(session, t, verify=1, fix=3):
        late = _report(session, t.resident_a, now=saturday)
        on_time = _report(session, t.resident_a2, now=saturday)
        hazards.verify(session, actor=t.staff_a, case_id=on_time.id, now=saturday)
    monday_end = shanghai(2026, 12, 8, 0, 0)
    before, after = monday_end - timedelta(seconds=1), monday_end
    assert [c.id for c in hazards.queue(session, t.admin_a, overdue_at=before)] == []
    assert [c.id for c in hazards.queue(session, t.admin_a, overdue_at=after)] == [late.id]
    fix_end = shanghai(2026, 12, 9, 0, 0)  # Saturday + 3 days, to the end of Tuesday
    assert [c.id for c in hazards.queue(session, t.admin_a, overdue_at=fix_end)] == [
        late.id,
        on_time.id,
    ]
    assert hazards.view(session, session.get(Case, late.id), now=after)["overdue"] is True


class settings_of:
    """The village's deadlines set for the block."""

    def __init__(self, session, t, *, verify, fix):
        self.args = (session, t, verify, fix)

    def __enter__(self):
        session, t, verify, fix = self.args
        settings.update(
            session,
            t.admin_a,
            t.place_a,
            {deadlines.VERIFY_SETTING: verify, deadlines.FIX_SETTING: fix},
        )

    def __exit__(self, *exc):
        return False


def test_an_upheld_objection_voids_a_verified_reports_award(session, hazard_town):
    t = hazard_town
    case = _report(session, t.resident_a)
    posting = hazards.verify(session, actor=t.staff_a, case_id=case.id).posting
    objection = publicity.object_to(
        session, actor=t.resident_a2, posting_id=posting.id, reason="那根电线杆早就修好了"
    )
    publicity.uphold(session, actor=t.admin_a, objection_id=objection.id, reason="核实不属实")
    session.expire_all()
    assert session.get(Posting, posting.id).status == "voided"
    assert session.get(Case, case.id).status == "verified"  # the hazard itself stands
    assert posted(session, t.resident_a) == 0
    assert_books_agree(session)
