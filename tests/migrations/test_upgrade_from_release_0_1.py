"""Does a deployment of the first release become one city with one town, keeping every point?

The fixture is the first release's demo data (`flask seed-demo` at commit d98e146, dumped
with support.rows.dump): 3 villages, 67 people, 340 transfers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from support.databases import scratch_database
from support.rows import load

from points import create_app, ledger
from points.extensions import db
from points.models import Account, City, Event, Reward, Setting, Town, User, Village
from points.people import authenticate
from points.places import settings

RELEASE = Path(__file__).with_name("release-0.1-demo.json.gz")


@pytest.fixture
def upgraded(db_kind, tmp_path):
    """The release's data loaded at revision 0001, then migrated to the newest revision."""
    with scratch_database(db_kind, tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x"})
        with app.app_context():
            upgrade(revision="0001")
            with db.engine.begin() as conn:
                rows = load(conn, RELEASE)
            upgrade()
            yield db.session, rows
            db.session.remove()
            db.engine.dispose()


def test_every_balance_and_the_hash_chain_survive_the_upgrade(upgraded):
    session, rows = upgraded
    before_head = rows["ledger_head"][0]
    check = ledger.verify(session)
    assert check.ok, check.problems
    assert (check.transfers, check.head_hash) == (before_head["last_id"], before_head["hash"])
    assert check.transfers == len(rows["transfers"]) == 340
    counters = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")
    before = {a["id"]: tuple(a[c] for c in counters) for a in rows["accounts"]}
    after = {a.id: tuple(getattr(a, c) for c in counters) for a in session.scalars(select(Account))}
    assert after == before


def test_the_deployment_becomes_one_city_holding_one_town_with_all_its_villages(upgraded):
    session, rows = upgraded
    (city,) = session.scalars(select(City)).all()
    (town,) = session.scalars(select(Town)).all()
    assert town.city_id == city.id
    villages = session.scalars(select(Village)).all()
    assert sorted(v.code for v in villages) == sorted(v["code"] for v in rows["villages"])
    assert {v.town_id for v in villages} == {town.id}
    assert {e.town_id for e in session.scalars(select(Event))} == {town.id}
    assert {r.town_id for r in session.scalars(select(Reward))} == {town.id}
    people = session.scalars(select(User)).all()
    assert len(people) == len(rows["users"]) == 67
    assert {p.town_id for p in people} == {town.id}
    assert [p.role for p in people if p.village_id is None] == ["town_admin"]


def test_the_town_keeps_its_settings_and_its_people_their_passwords(upgraded):
    session, rows = upgraded
    town = session.scalar(select(Town))
    town_rules = next(
        r["value"]
        for r in rows["settings"]
        if r["key"] == "deduction_rules" and not r["village_id"]
    )
    stored = session.scalar(
        select(Setting).where(Setting.key == "deduction_rules", Setting.village_id.is_(None))
    )
    assert (stored.scope, stored.town_id, stored.value) == (f"t{town.id}", town.id, town_rules)
    for village in session.scalars(select(Village)):
        own = [
            r["value"]
            for r in rows["settings"]
            if r["key"] == "deduction_rules" and r["village_id"] == village.id
        ]
        assert settings.get(session, "deduction_rules", village.id) == (own or [town_rules])[0]
    assert authenticate(session, "13800000001", "pingan123") is not None
