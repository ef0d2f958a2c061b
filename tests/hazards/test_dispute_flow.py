"""Does a dispute go found → mediating → resolved | failed | handed on, pay its mediators by
tier through the 公示, take follow-up visits, and refuse every move its state does not allow?"""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select
from support.books import assert_books_agree, posted

from points.cases import disputes, machine, publicity
from points.errors import Forbidden, NotFound
from points.models import Case, Posting, Transfer

PARTIES = [{"name": "王大锤", "phone": "13712345678"}, {"name": "钱多多", "phone": ""}]


def _record(session, t, actor=None, **extra):
    return disputes.record(
        session,
        actor=actor or t.staff_a,
        title="宅基地边界纠纷",
        parties=extra.pop("parties", PARTIES),
        **extra,
    )


def test_a_resolved_dispute_pays_each_mediator_by_tier_after_the_notice(session, hazard_town):
    t = hazard_town
    case = _record(session, t)
    assert (case.status, case.grid_id) == ("found", t.grid.id)  # her one grid
    disputes.mediate(session, actor=t.staff_a, case_id=case.id, mediators=[t.resident_a.id])
    outcome, postings = disputes.resolve(
        session,
        actor=t.staff_a,
        case_id=case.id,
        photos=["agreement.webp"],
        tier="较复杂",
        mediators=f"{t.resident_a.id},{t.resident_a2.id}",
    )
    assert outcome.case.status == "resolved" and outcome.case.tier == "较复杂"
    assert sorted(p.points for p in postings) == [30, 30]
    listed = publicity.public_listing(session, t.village_a.id)
    assert {row["rule"] for row in listed} == {"矛盾调解"}
    assert "王大锤" not in str(listed) and "13712345678" not in str(listed)
    assert_books_agree(session)
    with time_machine.travel(postings[0].ends_at.isoformat() + "Z", tick=False):
        assert publicity.post_due(session) == 2
    assert posted(session, t.resident_a) == posted(session, t.resident_a2) == 30
    view = disputes.view(session, session.get(Case, case.id))
    assert view["parties"][0] == {"name": "王大锤", "phone": "13712345678"}
    done = disputes.follow_up(session, actor=t.staff_b, case_id=case.id, note="双方已按协议执行")
    assert done.case.status == "resolved" and "双方已按协议执行" in done.case.followup
    assert_books_agree(session)


def test_mediation_can_fail_or_be_handed_on_with_a_reason(session, hazard_town):
    t = hazard_town
    failing = _record(session, t)
    disputes.mediate(session, actor=t.staff_a, case_id=failing.id)
    assert (
        disputes.fail(session, actor=t.staff_a, case_id=failing.id, reason="一方拒绝").case.status
        == "failed"
    )
    passed = _record(session, t)
    done = disputes.hand_on(session, actor=t.admin_a, case_id=passed.id, reason="移交镇矛调中心")
    assert (done.case.status, done.case.reason) == ("handed_on", "移交镇矛调中心")
    assert session.scalar(select(func.count()).select_from(Transfer)) == 0


MOVES = {
    "mediate": lambda s, t, c: disputes.mediate(s, actor=t.staff_a, case_id=c),
    "resolve": lambda s, t, c: disputes.resolve(
        s, actor=t.staff_a, case_id=c, photos=["a.webp"], tier="一般"
    ),
    "fail": lambda s, t, c: disputes.fail(s, actor=t.staff_a, case_id=c, reason="未成"),
    "hand_on": lambda s, t, c: disputes.hand_on(s, actor=t.staff_a, case_id=c, reason="移交"),
    "follow_up": lambda s, t, c: disputes.follow_up(s, actor=t.staff_a, case_id=c, note="回访"),
}
STARTS = {
    "mediate": {"found"},
    "resolve": {"mediating"},
    "fail": {"mediating"},
    "hand_on": {"found", "mediating"},
    "follow_up": {"resolved", "failed", "handed_on"},
}
REACH = {
    "found": [],
    "mediating": ["mediate"],
    "resolved": ["mediate", "resolve"],
    "failed": ["mediate", "fail"],
    "handed_on": ["hand_on"],
}


def test_every_move_its_state_does_not_allow_is_refused_with_the_state(session, hazard_town):
    t = hazard_town
    for state, steps in REACH.items():
        case = _record(session, t)
        for step in steps:
            MOVES[step](session, t, case.id)
        postings = session.scalar(select(func.count()).select_from(Posting))
        for action, call in MOVES.items():
            if state in STARTS[action]:
                continue
            with pytest.raises(machine.CaseMoveRefused) as refused:
                call(session, t, case.id)
            assert refused.value.details == {"status": state}, (state, action)
        session.expire_all()
        assert session.get(Case, case.id).status == state
        assert session.scalar(select(func.count()).select_from(Posting)) == postings


def test_who_may_record_and_handle_a_dispute(session, hazard_town, make_person):
    t = hazard_town
    with pytest.raises(Forbidden):
        _record(session, t, actor=t.resident_a)
    with pytest.raises(Forbidden):
        _record(session, t, actor=t.staff_a, grid_id=t.other_grid.id)
    with pytest.raises(Forbidden):  # another village, named without a grid
        _record(session, t, actor=t.staff_a, village_id=t.village_b.id)
    case = _record(session, t, actor=t.admin_a, grid_id=t.other_grid.id)
    with pytest.raises(Forbidden):
        disputes.mediate(session, actor=t.staff_a, case_id=case.id)
    with pytest.raises(Forbidden):
        disputes.mediate(session, actor=t.admin_b, case_id=case.id)
    with pytest.raises(Forbidden):
        disputes.get_for(session, t.resident_a, case.id)
    with pytest.raises(machine.BadCase):  # a mediator of another village
        disputes.mediate(session, actor=t.admin_a, case_id=case.id, mediators=[t.resident_b.id])
    with pytest.raises(machine.BadCase):
        _record(session, t, parties=[])
    with pytest.raises(Forbidden):  # a village that is not there: out of the town's reach
        _record(session, t, actor=t.town_admin, village_id=987654)
    with pytest.raises(NotFound):  # only the city's admin learns it is not there
        _record(session, t, actor=make_person(None, "city_admin", "市管理员"), village_id=987654)
    assert session.get(Case, case.id).status == "found"
