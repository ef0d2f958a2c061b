"""Households: the yearly score is the members' earned points; stars from thresholds."""

from __future__ import annotations

import time_machine
from sqlalchemy import select
from year_helpers import shanghai, village_with_expiry

from points import ledger
from points.db import write_transaction
from points.households.score import stars_for
from points.models import Household
from points.places import settings
from points.policy import Place


def test_a_household_scores_its_members_earned_points_and_earns_stars(
    session, town, make_person, client, auth
):
    village = village_with_expiry(session, town, None, name="星级村")
    with write_transaction(session):
        settings.put(
            session, "household_star_thresholds", [50, 100, 200], Place(town.town.id, village.id)
        )
    a = make_person(village, name="周大", household="X1")
    b = make_person(village, name="周二", household="X1")
    other = make_person(village, name="吴三", household="X2")
    issuance = ledger.village_account(session, village.id, "issuance").id
    sink = ledger.village_account(session, village.id, "redeemed").id
    with write_transaction(session):
        for person, amount in ((a, 70), (b, 40), (other, 500)):
            ledger.transfer(
                session,
                debit_id=issuance,
                credit_id=ledger.resident_account(session, person.id).id,
                amount=amount,
                kind="award",
                now=shanghai(2026, 5, 1),
            )
        ledger.transfer(
            session,
            debit_id=ledger.resident_account(session, b.id).id,
            credit_id=sink,
            amount=30,
            kind="redeem",
            now=shanghai(2026, 5, 2),
        )
    household = session.scalar(
        select(Household.id).where(Household.code == "X1", Household.village_id == village.id)
    )
    session.commit()

    body = client.get(
        f"/api/v1/households/{household}?year=2026", headers=auth.headers(a)
    ).get_json()
    assert (body["score_year"], body["stars"]) == (110, 2)  # spending never lowers it
    assert {m["name"] for m in body["members"]} == {"周大", "周二"}
    assert (
        client.get(f"/api/v1/households/{household}", headers=auth.headers(other)).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/households/{household}?year=2026", headers=auth.headers(town.town_admin)
        ).status_code
        == 200
    )
    auth.login(b)
    with time_machine.travel(shanghai(2026, 6, 1), tick=False):  # this year's score: 2026
        page = client.get("/me/household", follow_redirects=True)
    assert page.status_code == 200 and "★★☆" in page.get_data(as_text=True)
    assert stars_for(49, [50, 100]) == 0 and stars_for(100, [50, 100]) == 2
