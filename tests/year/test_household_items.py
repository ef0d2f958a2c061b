"""Household base points and household items of the rule book: score only, never money."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from year_helpers import village_with_expiry

from points import ledger, rules
from points.clock import local_now
from points.db import write_transaction
from points.errors import InsufficientPoints
from points.households import items, score
from points.models import Household
from points.places import settings
from points.policy import Place
from points.rules.award import HouseholdRule

BOOK = [
    {"code": "patrol", "name": "巡防", "points": 10},
    {
        "code": "yard",
        "name": "庭院整洁",
        "points": 5,
        "subject": "household",
        "caps": [{"per": "household", "period": "year", "max_times": 2}],
    },
    {
        "code": "offence",
        "name": "家庭成员违法",
        "kind": "deduct",
        "points": 20,
        "subject": "household",
    },
]


def _publish(session, town):
    rules.publish(
        session,
        None,
        town_id=town.town.id,
        adoption=rules.Adoption(effective_from=date(2026, 1, 1), body="村民代表大会"),
        items=BOOK,
    )


def test_the_base_and_household_items_count_in_the_score_but_only_members_points_are_spendable(
    session, town, make_person, client, auth
):
    village = village_with_expiry(session, town, None, name="桐乡村")
    with write_transaction(session):
        settings.put(session, "household_base_points", 100, Place(town.town.id, village.id))
    _publish(session, town)
    a = make_person(village, name="沈大", household="T1")
    make_person(village, name="沈二", household="T1")
    household = session.scalar(
        select(Household.id).where(Household.code == "T1", Household.village_id == village.id)
    )
    account = ledger.resident_account(session, a.id).id
    with write_transaction(session):
        ledger.transfer(
            session,
            debit_id=ledger.village_account(session, village.id, "issuance").id,
            credit_id=account,
            amount=30,
            kind="award",
        )
    session.commit()

    admin = town.town_admin
    for _ in range(2):
        answer = client.post(
            f"/api/v1/households/{household}/items",
            json={"rule_code": "yard"},
            headers=auth.headers(admin),
        )
        assert answer.status_code == 201 and answer.get_json()["points"] == 5
    capped = client.post(
        f"/api/v1/households/{household}/items",
        json={"rule_code": "yard"},
        headers=auth.headers(admin),
    )
    assert capped.status_code == 409 and capped.get_json()["reason"] == "cap_reached"
    not_household = client.post(
        f"/api/v1/households/{household}/items",
        json={"rule_code": "patrol"},
        headers=auth.headers(admin),
    )
    assert not_household.status_code == 422
    refused = client.post(
        f"/api/v1/households/{household}/items", json={"rule_code": "yard"}, headers=auth.headers(a)
    )
    assert refused.status_code == 403
    yard = rules.rule_for(session, "yard", town_id=town.town.id)
    with pytest.raises(HouseholdRule):
        rules.award(session, rule_id=yard.id, resident_id=a.id, memo="庭院")
    session.rollback()
    offence = items.record(session, admin, household, rule_code="offence", memo="酒驾")
    assert offence.points == -20

    year = local_now().year
    body = client.get(
        f"/api/v1/households/{household}?year={year}", headers=auth.headers(a)
    ).get_json()
    assert (body["base"], body["earned_year"], body["items_year"]) == (100, 30, -10)
    assert body["score_year"] == score.score(session, household, year) == 120
    # The base and the items are in nobody's account: the household can spend 30, not 120.
    assert ledger.resident_account(session, a.id).available == 30
    with pytest.raises(InsufficientPoints), write_transaction(session):
        ledger.transfer(
            session,
            debit_id=account,
            credit_id=ledger.village_account(session, village.id, "redeemed").id,
            amount=31,
            kind="redeem",
        )
    session.rollback()
    assert ledger.verify(session).ok


def test_an_event_under_a_household_item_is_refused_and_so_is_a_check_in_under_one(
    session, town, make_person, client, auth
):
    from datetime import timedelta

    from sqlalchemy import func, update

    from points.models import Checkin, Event, Transfer, utcnow

    village = village_with_expiry(session, town, None, name="桐乡村")
    _publish(session, town)
    member = make_person(village, name="沈大", household="T1")
    admin = town.town_admin
    when = {
        "village_id": village.id,
        "starts_at": (utcnow() - timedelta(minutes=5)).isoformat() + "Z",
        "ends_at": (utcnow() + timedelta(hours=2)).isoformat() + "Z",
        "status": "published",
    }
    refused = client.post(
        "/api/v1/events",
        json={"title": "庭院评比", "rule_code": "yard", **when},
        headers=auth.headers(admin),
    )
    assert refused.status_code == 422
    assert refused.get_json()["reason"] == "household_rule"
    assert session.scalar(select(func.count()).select_from(Event)) == 0

    # An event made under a resident's rule whose rule later became a household item (a new
    # book version): its check-ins are refused, and nothing is written.
    made = client.post(
        "/api/v1/events",
        json={"title": "夜间巡防", "rule_code": "patrol", **when},
        headers=auth.headers(admin),
    )
    assert made.status_code == 201, made.get_json()
    yard = rules.rule_for(session, "yard", town_id=town.town.id)
    with write_transaction(session):
        session.execute(update(Event).values(rule_id=yard.id))
    transfers = session.scalar(select(func.count()).select_from(Transfer))
    answer = client.post(
        f"/api/v1/events/{made.get_json()['id']}/checkins",
        json={"resident_id": member.id},
        headers=auth.headers(admin),
    )
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["reason"] == "household_rule"
    assert session.scalar(select(func.count()).select_from(Checkin)) == 0
    assert session.scalar(select(func.count()).select_from(Transfer)) == transfers
    assert ledger.verify(session).ok
