"""Do hazard deadlines skip the public holidays and count the make-up Saturdays (节假日 · 调休),
as the city entered them and a town added its own days — and is bad calendar input refused
with a clear 422, leaving nothing half written?"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from hazard_helpers import shanghai
from sqlalchemy import func, select

from points.cases import hazards
from points.errors import Forbidden
from points.models import AuditEntry, Role
from points.places import workdays
from points.places.opening import open_town
from points.policy import Place

NATIONAL_DAY = [f"2026-10-{d:02d}" for d in range(1, 8)]
MAKE_UP = ["2026-09-20", "2026-10-10"]  # a Sunday before, a Saturday after
SEPTEMBER = shanghai(2026, 9, 1, 9, 0)


@pytest.fixture
def city_admin(make_person, hazard_town):
    return make_person(None, Role.CITY_ADMIN.value, "市管理员")


@pytest.fixture
def national_day(session, city_admin):
    """The city's 2026 calendar with 国庆 and its make-up days, entered in September 2026."""
    with time_machine.travel(SEPTEMBER, tick=False):
        workdays.set_year(
            session, city_admin, Place(), 2026, holidays=NATIONAL_DAY, workdays=MAKE_UP
        )


def _report(session, who, now):
    return hazards.report(session, reporter=who, title="桥栏松动", photos=["p.webp"], now=now)


def test_a_report_filed_before_national_day_is_overdue_only_after_the_holiday_and_two_working_days(
    session, hazard_town, national_day
):
    t = hazard_town
    wednesday = shanghai(2026, 9, 30, 10, 0)  # the eve of 国庆
    with time_machine.travel(wednesday, tick=False):
        case = _report(session, t.resident_a, wednesday)
    # Oct 1–7 off; Thursday the 8th and Friday the 9th are the two working days.
    assert case.verify_due_at == shanghai(2026, 10, 10, 0, 0)
    last_moment = shanghai(2026, 10, 9, 23, 59, 59)
    assert hazards.queue(session, t.admin_a, overdue_at=last_moment) == []
    due = hazards.queue(session, t.admin_a, overdue_at=shanghai(2026, 10, 10, 0, 0))
    assert [c.id for c in due] == [case.id]


def test_a_make_up_saturday_counts_as_a_working_day(session, hazard_town, national_day):
    t = hazard_town
    thursday = shanghai(2026, 10, 8, 10, 0)
    with time_machine.travel(thursday, tick=False):
        case = _report(session, t.resident_a, thursday)
    # Friday the 9th, then the make-up Saturday the 10th: due at the end of that Saturday.
    assert case.verify_due_at == shanghai(2026, 10, 11, 0, 0)


def test_without_a_calendar_only_weekends_are_skipped(session, hazard_town):
    t = hazard_town
    wednesday = shanghai(2026, 9, 30, 10, 0)
    case = _report(session, t.resident_a, wednesday)
    assert case.verify_due_at == shanghai(2026, 10, 3, 0, 0)  # Thursday and Friday


def test_a_towns_own_day_off_moves_its_deadlines_and_no_other_towns(
    session, hazard_town, national_day
):
    t = hazard_town
    other = open_town(session, name="甘霖镇", code="GN", points_name="甘霖币")
    with time_machine.travel(SEPTEMBER, tick=False):
        # A local festival on Tuesday 1 December; and the town gives its people the make-up
        # Saturday after 国庆 off as well (its word wins over the city's for that date).
        workdays.set_year(
            session,
            t.town_admin,
            t.place,
            2026,
            holidays=["2026-12-01", "2026-10-10"],
            workdays=[],
        )
        with pytest.raises(Forbidden):  # a village follows its town's calendar
            workdays.set_year(
                session, t.admin_a, t.place_a, 2026, holidays=["2026-12-02"], workdays=[]
            )
    monday = shanghai(2026, 11, 30, 10, 0)
    case = _report(session, t.resident_a, monday)
    assert case.verify_due_at == shanghai(2026, 12, 4, 0, 0)  # Wednesday, Thursday
    ours = workdays.for_town(session, t.place.town_id, 2026)
    theirs = workdays.for_town(session, other.id, 2026)
    assert not ours.is_working(date(2026, 12, 1)) and theirs.is_working(date(2026, 12, 1))
    assert not ours.is_working(date(2026, 10, 10)) and theirs.is_working(date(2026, 10, 10))
    assert not theirs.is_working(date(2026, 10, 1))  # the city's days apply to every town


def _stored_state(session) -> tuple:
    session.expire_all()
    shown = workdays.year_view(session, Place(), 2026)
    audits = session.scalar(select(func.count()).select_from(AuditEntry))
    return shown["holidays"], shown["workdays"], audits


BAD_BODIES = [
    ("a date in both lists", 2026, {"holidays": ["2026-10-03"], "workdays": ["2026-10-03"]}),
    ("a date that does not exist", 2026, {"holidays": ["2026-02-30"]}),
    ("a date written another way", 2026, {"holidays": ["10/01/2026"]}),
    ("a date of another year", 2026, {"holidays": ["2027-01-01"]}),
    ("a year far ahead", 2099, {"holidays": ["2099-10-01"]}),
    ("a year long gone", 1900, {"holidays": ["1900-10-01"]}),
    ("a weekday as a make-up day", 2026, {"workdays": ["2026-10-08"]}),
]


@pytest.mark.parametrize("why, year, body", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_calendar_input_is_refused_with_a_422_and_nothing_is_written(
    client, auth, session, city_admin, national_day, why, year, body
):
    before = _stored_state(session)
    with time_machine.travel(SEPTEMBER, tick=False):
        headers = auth.headers(city_admin)
        answer = client.put(f"/api/v1/calendar/{year}", json=body, headers=headers)
        assert answer.status_code == 422, (why, answer.json)
        assert answer.json["reason"] == "bad_calendar" and answer.json["message"], why
        assert _stored_state(session) == before, why

        auth.login(city_admin)
        form = {
            "year": str(year),
            "holidays": "\n".join(body.get("holidays", [])),
            "workdays": "\n".join(body.get("workdays", [])),
        }
        page = client.post("/admin/settings/calendar", data=form)
        assert page.status_code == 422, why
        assert answer.json["message"] in page.get_data(as_text=True), why
        assert _stored_state(session) == before, why


def test_malformed_json_lists_are_a_422_and_not_a_500(client, auth, session, city_admin):
    headers = auth.headers(city_admin)
    for body in ({"holidays": "2026-10-01"}, {"holidays": [1]}, {"workdays": [None]}, []):
        answer = client.put("/api/v1/calendar/2026", json=body, headers=headers)
        assert answer.status_code == 422, (body, answer.json)


def test_the_calendar_is_entered_and_read_through_both_doors_and_audited(
    client, auth, session, hazard_town, city_admin
):
    t = hazard_town
    with time_machine.travel(SEPTEMBER, tick=False):
        put = client.put(
            "/api/v1/calendar/2026",
            json={"holidays": NATIONAL_DAY, "workdays": MAKE_UP},
            headers=auth.headers(city_admin),
        )
        assert put.status_code == 200, put.json
        assert put.json["town_id"] is None and put.json["holidays"] == NATIONAL_DAY
        auth.login(t.town_admin)
        page = client.post(
            f"/admin/settings/calendar?town_id={t.place.town_id}",
            data={"year": "2026", "holidays": "2026-12-01", "workdays": ""},
        )
        assert page.status_code == 302
        shown = client.get(f"/admin/settings/calendar?town_id={t.place.town_id}&year=2026")
        assert "2026-12-01" in shown.text and "2026-10-10" in shown.text
    read = client.get(f"/api/v1/calendar/2026?town_id={t.place.town_id}").json
    assert read["holidays"] == ["2026-12-01"]
    assert read["effective"]["holidays"] == [*NATIONAL_DAY, "2026-12-01"]
    assert read["effective"]["workdays"] == MAKE_UP
    assert client.get("/api/v1/calendar/2026?town_id=99999").status_code == 404
    actions = session.scalars(
        select(AuditEntry.target_id).where(AuditEntry.action == "calendar.update")
    ).all()
    assert sorted(actions) == ["city:2026", f"t{t.place.town_id}:2026"]
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "修改了节假日安排" in log
    odd = client.get(f"/admin/settings/calendar?town_id={t.place.town_id}&year=3000")
    assert odd.status_code == 422 and "3000" not in odd.text.split("<h1>")[1].split("</h1>")[0]
    client.get("/lang/en")
    english = client.get(f"/admin/settings/calendar?town_id={t.place.town_id}&year=2026").text
    assert "Make-up working days" in english and "节假日安排" not in english
