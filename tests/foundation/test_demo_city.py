"""Is the demo `make run` seeds a whole city: two towns, their villages, grids and grid workers,
each town its own scheme, and logins printed as they are?"""

from __future__ import annotations

import re
from collections import Counter
from datetime import time

import pytest
from sqlalchemy import select

from points import demo, ledger
from points.clock import local
from points.demo import admin as demo_admin
from points.demo import shop as demo_shop
from points.extensions import db
from points.models import Event, Grid, Reward, Role, Town, User, Village, grid_staff
from points.places import settings
from points.policy import Place


def _token(client, phone: str) -> dict:
    answer = client.post("/api/v1/auth/token", json={"phone": phone, "password": demo.PASSWORD})
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def _towns(session) -> dict[str, Town]:
    return {town.name: town for town in session.scalars(select(Town))}


def test_the_demo_city_has_two_towns_of_three_villages_with_grid_workers_and_residents_in_grids(
    demo_city,
):
    session = demo_city
    towns = _towns(session)
    assert {name: town.points_name for name, town in towns.items()} == {
        "谷来镇": "香榧币",
        "甘霖镇": "平安币",
    }
    town_admins = session.scalars(select(User.town_id).where(User.role == Role.TOWN_ADMIN))
    assert sorted(town_admins) == sorted(town.id for town in towns.values())
    city_admins = session.scalars(select(User.phone).where(User.role == Role.CITY_ADMIN))
    assert list(city_admins) == [demo.CITY_ADMIN[1]]
    villages = session.scalars(select(Village)).all()
    assert Counter(village.town_id for village in villages) == {t.id: 3 for t in towns.values()}
    for village in villages:
        grids = session.scalars(select(Grid).where(Grid.village_id == village.id)).all()
        assert 2 <= len(grids) <= 3, village.name
        assert any(grid.micro_grid for grid in grids), village.name  # a 微网格 label
        for grid in grids:
            workers = session.scalars(
                select(User).join(grid_staff).where(grid_staff.c.grid_id == grid.id)
            ).all()
            assert workers, f"{village.name}{grid.name} has no grid worker"
            assert all(w.role == Role.STAFF and w.village_id == village.id for w in workers)
    served = Counter(session.scalars(select(grid_staff.c.user_id)))
    assert max(served.values()) == 2  # somewhere one grid worker serves two grids
    residents = session.scalars(select(User).where(User.role == Role.RESIDENT)).all()
    assert len(residents) == 120
    for person in residents:
        assert person.grid is not None and person.grid.village_id == person.village_id
        assert person.household is not None and person.household.village_id == person.village_id
    lived_in = {person.grid_id for person in residents}
    assert lived_in == set(session.scalars(select(Grid.id)))  # nobody's grid stands empty
    verified = ledger.verify(session)
    assert verified.ok, verified.problems
    assert verified.transfers > 0


def test_the_demo_city_admin_sees_both_towns_and_a_town_admin_only_their_own(demo_city, client):
    session = demo_city
    towns = _towns(session)
    gulai, ganlin = towns["谷来镇"].id, towns["甘霖镇"].id
    city = _token(client, demo.CITY_ADMIN[1])
    people = client.get("/api/v1/residents?per_page=200", headers=city).get_json()
    assert {p["town_id"] for p in people if p["role"] == Role.RESIDENT} == {gulai, ganlin}
    whole = client.get("/api/v1/dashboard", headers=city).get_json()
    assert whole["residents"] == 120 and len(whole["top_villages"]) == 6
    for town_id in (gulai, ganlin):
        answer = client.get(f"/api/v1/dashboard?town_id={town_id}", headers=city)
        assert answer.status_code == 200 and answer.get_json()["residents"] == 60

    for plan, mine, other in ((demo.TOWNS[0], gulai, ganlin), (demo.TOWNS[1], ganlin, gulai)):
        town_admin = _token(client, plan.admin_phone)
        people = client.get("/api/v1/residents?per_page=200", headers=town_admin).get_json()
        assert {p["town_id"] for p in people} == {mine}
        own = client.get(f"/api/v1/dashboard?town_id={mine}", headers=town_admin)
        assert own.status_code == 200 and own.get_json()["residents"] == 60
        refused = client.get(f"/api/v1/dashboard?town_id={other}", headers=town_admin)
        assert refused.status_code == 403


def test_each_demo_town_runs_its_own_catalogue_and_deduction_rules(demo_city):
    session = demo_city
    for town in _towns(session).values():
        village_ids = set(session.scalars(select(Village.id).where(Village.town_id == town.id)))
        rewards = session.scalars(select(Reward).where(Reward.town_id == town.id)).all()
        town_wide = [r for r in rewards if r.village_id is None]
        assert {r.name for r in town_wide} == {row[0] for row in demo_shop.TOWN_WIDE}
        assert {r.village_id for r in rewards} - {None} == village_ids
        rules = settings.overrides(session, Place(town.id))["deduction_rules"]
        assert rules == demo_admin.TOWN_RULES
        first = min(village_ids)
        village_rules = settings.get(session, "deduction_rules", first)
        assert len(village_rules) == len(rules) + 1  # the village's own extra rule
        assert settings.get(session, "deduction_rules", max(village_ids)) == rules


def test_demo_events_are_held_between_eight_in_the_morning_and_eight_at_night(demo_city):
    session = demo_city
    events = session.scalars(select(Event)).all()
    assert len(events) == 2 * (30 + 4)  # per town: 10 past events a village, 4 upcoming
    for event in events:
        starts, ends = local(event.starts_at), local(event.ends_at)
        assert starts.date() == ends.date()
        assert time(8) <= starts.time() and ends.time() <= time(20), event.title


def test_the_printed_demo_logins_are_the_people_the_seed_made(demo_city, client):
    session = demo_city
    text = demo.logins_text()
    assert demo.PASSWORD in text
    phones = re.findall(r"\b1[3-9]\d{9}\b", text)
    roles = dict(session.execute(select(User.phone, User.role)).all())
    for phone in phones:
        assert phone in roles, phone
    staff = {p for p, role in roles.items() if role != Role.RESIDENT}
    assert staff <= set(phones)  # every admin and grid worker is printed
    for plan in demo.TOWNS:
        count = demo.RESIDENTS_PER_VILLAGE * len(plan.villages)
        first, last = plan.resident_phone(1), plan.resident_phone(count)
        assert f"（{count} 位）" in text and f"{first} – {last}" in text
        in_town = sorted(
            session.scalars(
                select(User.phone)
                .join(Town, Town.id == User.town_id)
                .where(Town.code == plan.code, User.role == Role.RESIDENT)
            )
        )
        assert (in_town[0], in_town[-1], len(in_town)) == (first, last, count)
    for phone in (demo.CITY_ADMIN[1], demo.TOWN_ADMIN[1], "13910000021", "13810000060"):
        assert _token(client, phone)  # each kind of login, in either town, logs in


@pytest.mark.slow
def test_the_demo_comes_out_the_same_every_time_for_a_given_seed(
    demo_city, built, db_kind, session
):
    def contents():
        people = session.execute(
            select(User.phone, User.name, User.role, Grid.code)
            .outerjoin(Grid, Grid.id == User.grid_id)
            .order_by(User.phone)
        ).all()
        balances = [
            (person.phone, ledger.resident_account(session, person.id).balance)
            for person in session.scalars(select(User).where(User.role == Role.RESIDENT))
        ]
        titles = session.scalars(select(Event.title).order_by(Event.id)).all()
        return people, sorted(balances), titles

    first = contents()  # the demo as seeded for every test (same seed, earlier run)
    session.remove()
    built(db_kind)[1].empty(db.engine)
    demo.seed(session)
    session.commit()
    assert contents() == first
