"""Do the home-visit pages take a worker from the door code to a recorded visit — and refuse
what they should, with a note and nothing written?"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from points.models import HomeVisit, Role
from points.people.cards import card_token
from points.visits.doors import door_url


def _count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count(HomeVisit.id)))


def test_a_worker_goes_from_the_door_code_to_a_recorded_visit(
    app, client, auth, session, visits_town
):
    town = visits_town
    household = town.resident_a.household_id
    auth.login(town.staff_a)
    listed = client.get("/visits/").get_data(as_text=True)
    assert f'data-testid="household-{household}" data-due="1"' in listed
    scanned = door_url("http://localhost", app.config["SECRET_KEY"], household)
    opened = client.post("/visits/door", data={"code": scanned})
    assert opened.status_code == 302 and opened.location.endswith(f"/visits/households/{household}")
    form = client.get(opened.location).get_data(as_text=True)
    assert "民情日记" in form and "张三丰" in form
    card = card_token(app.config["SECRET_KEY"], town.resident_a2)
    done = client.post(
        f"/visits/households/{household}",
        data={"note": "检查了电动车充电", "card_token": card, "dispute_found": "1"},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "家访已记录" in text and "隐患或纠纷" in text
    assert f'data-testid="household-{household}" data-due="0"' in text
    visit = session.scalars(select(HomeVisit)).one()
    assert (visit.confirmed_by, visit.confirmation, visit.dispute_found) == (
        town.resident_a2.id,
        "card",
        True,
    )


def test_the_visit_form_refuses_bad_input_with_a_note_and_strangers_outright(
    client, auth, session, visits_town, make_person
):
    town = visits_town
    household = town.resident_a.household_id
    auth.login(town.staff_a)
    assert client.post("/visits/door", data={"code": "h1.forged"}).status_code == 422
    unconfirmed = client.post(f"/visits/households/{household}", data={"note": "走访"})
    assert unconfirmed.status_code == 422 and "当面确认" in unconfirmed.get_data(as_text=True)
    blank = client.post(
        f"/visits/households/{household}",
        data={"note": "", "in_person": "1", "member_id": town.resident_a.id},
    )
    assert blank.status_code == 422
    stranger = client.post(
        f"/visits/households/{household}",
        data={"note": "走访", "in_person": "1", "member_id": town.resident_b.id},
    )
    assert stranger.status_code == 422 and "不是这一户的成员" in stranger.get_data(as_text=True)
    assert client.post("/visits/households/999999", data={"note": "x"}).status_code == 404
    auth.logout()
    auth.login(make_person(town.village_a, Role.STAFF.value, "李网格"))
    assert client.get(f"/visits/households/{household}").status_code == 403
    assert "没有要走访的户" in client.get("/visits/").get_data(as_text=True)
    assert _count(session) == 0


def test_the_door_sheet_prints_one_code_per_household_of_the_grid(
    client, auth, visits_town, make_person
):
    town = visits_town
    make_person(town.village_a, name="陈大", household="GL01-002", grid=town.grid)
    auth.login(town.admin_a)
    sheet = client.get(f"/visits/doors?grid_id={town.grid.id}").get_data(as_text=True)
    assert len(re.findall(r'data-testid="door"', sheet)) == 2
    assert "张*丰" in sheet and "GL01-002" in sheet and "<svg" in sheet
    auth.logout()
    auth.login(town.admin_b)
    assert client.get(f"/visits/doors?grid_id={town.grid.id}").status_code == 403
