"""Does a home visit earn under the rule book, once a day, within its caps — and does a
grid worker see which households are still to be visited this quarter?"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from visit_helpers import balance, shanghai, transfers

from points import ledger, visits
from points.errors import DomainError, Forbidden
from points.models import AuditEntry, HomeVisit, Role
from points.people.cards import card_token

SECRET = "test-secret"


def _visit(session, town, actor=None, *, at, **fields):
    fields.setdefault("confirmation", "in_person")
    fields.setdefault("member_id", town.resident_a.id)
    return visits.record(
        session,
        actor or town.staff_a,
        household_id=town.resident_a.household_id,
        note=fields.pop("note", "老人独居，燃气灶软管老化"),
        secret=SECRET,
        now=at,
        **fields,
    )


def test_a_confirmed_visit_earns_the_member_and_the_worker_and_counts_once_a_day(
    session, visits_town
):
    town = visits_town
    done = _visit(
        session, town, at=shanghai(2026, 5, 6, 9), follow_up="下周换软管", hazard_found=True
    )
    assert not done.already
    assert done.member_award["points"] == 8 and done.worker_award["points"] == 2
    again = _visit(session, town, at=shanghai(2026, 5, 6, 16), note="又来了一次")
    assert again.already and again.visit.id == done.visit.id
    session.rollback()
    assert (balance(session, town.resident_a), balance(session, town.staff_a)) == (8, 2)
    assert transfers(session) == 2
    row = session.scalars(select(HomeVisit)).one()
    assert (row.hazard_found, row.dispute_found, row.follow_up) == (True, False, "下周换软管")
    assert (row.confirmed_by, row.confirmation, str(row.day)) == (
        town.resident_a.id,
        "in_person",
        "2026-05-06",
    )
    logged = session.scalars(select(AuditEntry).where(AuditEntry.action == "visit.record")).one()
    assert logged.actor_id == town.staff_a.id and logged.after["hazard_found"] is True
    assert ledger.verify(session).ok


def test_the_households_cap_holds_back_a_second_visit_in_the_month_but_records_it(
    session, visits_town, make_person
):
    town = visits_town
    other = make_person(town.village_a, Role.STAFF.value, "王网格", grids=[town.grid])
    _visit(session, town, at=shanghai(2026, 5, 6, 9))
    second = _visit(
        session, town, other, at=shanghai(2026, 5, 20, 9), member_id=town.resident_a2.id
    )
    assert (
        second.member_award["points"] == 0
        and second.member_award["capped_by"]["per"] == "household"
    )
    assert second.worker_award["points"] == 2  # the worker's own cap is per day
    third = _visit(session, town, at=shanghai(2026, 6, 2, 9))  # a new month
    assert third.member_award["points"] == 8
    session.rollback()
    assert session.scalar(select(func.count()).select_from(HomeVisit)) == 3
    assert balance(session, town.resident_a) + balance(session, town.resident_a2) == 16
    assert ledger.verify(session).ok


def test_a_members_card_confirms_and_a_strangers_card_is_refused_with_nothing_written(
    app, session, visits_town
):
    town = visits_town
    secret = app.config["SECRET_KEY"]
    stranger = card_token(secret, town.resident_b)
    with pytest.raises(DomainError) as refused:
        _visit(session, town, at=shanghai(2026, 5, 6, 9), confirmation="card", card_token=stranger)
    assert refused.value.code == "not_a_member"
    with pytest.raises(DomainError) as unconfirmed:
        _visit(session, town, at=shanghai(2026, 5, 6, 9), confirmation=None)
    assert unconfirmed.value.code == "confirmation_needed"
    with pytest.raises(DomainError) as blank:
        _visit(session, town, at=shanghai(2026, 5, 6, 9), note="  ")
    assert blank.value.code == "invalid_visit"
    session.rollback()
    assert transfers(session) == 0 and session.scalar(select(func.count(HomeVisit.id))) == 0
    mine = card_token(secret, town.resident_a2)
    done = visits.record(
        session,
        town.staff_a,
        household_id=town.resident_a.household_id,
        note="入户宣传反诈",
        confirmation="card",
        card_token=mine,
        secret=secret,
        now=shanghai(2026, 5, 6, 9),
    )
    assert done.visit.confirmed_by == town.resident_a2.id and done.visit.confirmation == "card"


def test_only_the_grids_workers_and_the_admins_over_it_record_a_visit_and_never_at_home(
    session, visits_town, make_person
):
    town = visits_town
    elsewhere = make_person(town.village_a, Role.STAFF.value, "李网格")  # serves no grid here
    worker_at_home = make_person(
        town.village_a, Role.STAFF.value, "张网格二", "GL01-001", grids=[town.grid]
    )
    for actor in (elsewhere, town.resident_a2, town.admin_b, worker_at_home):
        with pytest.raises(Forbidden):
            _visit(session, town, actor, at=shanghai(2026, 5, 6, 9))
    assert _visit(session, town, town.admin_a, at=shanghai(2026, 5, 6, 9)).visit.id
    assert _visit(session, town, town.town_admin, at=shanghai(2026, 5, 6, 9)).worker_award is None


def test_the_grid_list_puts_households_not_visited_this_shanghai_quarter_first(
    session, visits_town, make_person
):
    town = visits_town
    other = make_person(town.village_a, name="陈大", household="GL01-002", grid=town.grid)
    # 1 April 01:00 in Shanghai is still 31 March in UTC: the visit is in the second quarter.
    _visit(session, town, at=shanghai(2026, 4, 1, 1))
    visits.record(
        session,
        town.staff_a,
        household_id=other.household_id,
        note="春耕前走访",
        confirmation="in_person",
        member_id=other.id,
        now=shanghai(2026, 3, 31, 20),
    )
    rows = visits.households_of(session, town.staff_a, today=shanghai(2026, 5, 1, 12).date())
    assert [(r.code, r.visited_this_quarter, str(r.last_visit)) for r in rows] == [
        ("GL01-002", False, "2026-03-31"),
        ("GL01-001", True, "2026-04-01"),
    ]
    assert rows[1].head == "张*丰" and rows[1].members == 2
    with pytest.raises(Forbidden):
        visits.households_of(session, town.resident_a, grid_id=town.grid.id)


def test_the_demo_city_has_visits_and_households_still_to_visit_this_quarter(demo_city):
    from points.models import User

    session = demo_city
    assert session.scalar(select(func.count(HomeVisit.id))) > 20
    worker = session.scalar(select(User).where(User.phone == "13900000011"))
    rows = visits.households_of(session, worker)
    assert rows and any(not r.visited_this_quarter for r in rows)
    assert any(r.last_visit for r in rows)
    assert ledger.verify(session).ok


def test_eight_taps_at_once_record_one_visit_and_award_it_once(app, session, visits_town):
    from support.races import race_in_app

    from points.extensions import db
    from points.models import User

    town = visits_town
    ids = (town.staff_a.id, town.resident_a.household_id, town.resident_a.id)
    session.commit()

    def tap(i: int):
        worker = db.session.get(User, ids[0])
        done = visits.record(
            db.session,
            worker,
            household_id=ids[1],
            note=f"第 {i} 次点提交",
            confirmation="in_person",
            member_id=ids[2],
            now=shanghai(2026, 5, 6, 9),
        )
        return done.already

    answers = race_in_app(app, 8, tap)
    assert sorted(answers) == [False] + [True] * 7, answers
    session.rollback()
    assert session.scalar(select(func.count(HomeVisit.id))) == 1
    assert transfers(session) == 2 and balance(session, town.resident_a) == 8
    assert ledger.verify(session).ok
