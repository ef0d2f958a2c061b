"""Does a check-in award under its event's rule: within the rule, capped but still counted?"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from points.checkin import events
from points.checkin.events import EventForm
from points.models import Checkin, Transfer, utcnow


def _patrol(session, town, **fields):
    starts = utcnow() + timedelta(minutes=5)
    form = EventForm(
        title=fields.pop("title", "夜间巡防"),
        category_id=None,
        category="patrol",
        village_id=town.village_a.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        **fields,
    )
    return events.create_event(session, town.admin_a, form)


def test_an_event_takes_its_rules_points_and_refuses_points_outside_it(client, auth, town, book):
    made = client.post(
        "/api/v1/events",
        json={
            "title": "夜间巡防",
            "category": "patrol",
            "village_id": town.village_a.id,
            "starts_at": (utcnow() + timedelta(hours=1)).isoformat() + "Z",
            "ends_at": (utcnow() + timedelta(hours=3)).isoformat() + "Z",
        },
        headers=auth.headers(town.admin_a),
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["points"] == 10
    refused = client.post(
        "/api/v1/events",
        json={
            "title": "夜间巡防",
            "category": "patrol",
            "points": 15,
            "village_id": town.village_a.id,
            "starts_at": (utcnow() + timedelta(hours=1)).isoformat() + "Z",
            "ends_at": (utcnow() + timedelta(hours=3)).isoformat() + "Z",
        },
        headers=auth.headers(town.admin_a),
    )
    assert refused.status_code == 422
    assert "巡防" in refused.get_json()["message"]


def test_a_check_in_over_the_weekly_cap_still_counts_with_no_points_and_says_why(
    client, auth, session, town, book
):
    patrols = [_patrol(session, town, title=f"巡防 {n}") for n in range(4)]
    headers = auth.headers(town.staff_a)
    answers = [
        client.post(
            f"/api/v1/events/{event.id}/checkins",
            json={"resident_id": town.resident_a.id},
            headers=headers,
        )
        for event in patrols
    ]
    assert [a.status_code for a in answers] == [201, 201, 201, 201]
    bodies = [a.get_json() for a in answers]
    assert [b["points"] for b in bodies] == [10, 10, 10, 0]
    assert bodies[0]["rule_code"] == "patrol" and bodies[0]["rule_version"] == 2
    assert bodies[0]["capped_by"] is None
    capped = bodies[3]["capped_by"]
    assert capped["message"] == "本周巡防积分已达上限 3 次"
    assert (capped["per"], capped["period"], capped["max_times"]) == ("resident", "week", 3)
    assert bodies[3]["balance"] == 30
    assert session.scalar(select(func.count()).select_from(Checkin)) == 4
    assert session.scalar(select(func.count()).select_from(Transfer)) == 3
    again = client.post(
        f"/api/v1/events/{patrols[3].id}/checkins",
        json={"resident_id": town.resident_a.id},
        headers=headers,
    )
    assert again.status_code == 200 and again.get_json()["already"] is True
    assert again.get_json()["capped_by"]["message"] == "本周巡防积分已达上限 3 次"


def test_an_adjustment_by_rule_answers_with_the_rule_its_version_and_points(
    client, auth, town, book, give
):
    give(town.resident_a, 20)
    answer = client.post(
        "/api/v1/adjustments",
        json={"resident_id": town.resident_a.id, "rule": "露天焚烧", "reason": "田间焚烧秸秆"},
        headers=auth.headers(town.admin_a),
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["rule_code"], body["rule_version"], body["points"]) == ("burning", 2, -10)
    assert body["amount"] == -10 and body["balance"] == 10
    assert body["reason"] == "露天焚烧：田间焚烧秸秆"
    tiered = client.post(
        "/api/v1/adjustments",
        json={"resident_id": town.resident_a.id, "rule": "mediation", "tier": "重大"},
        headers=auth.headers(town.admin_a),
    )
    assert tiered.status_code == 201 and tiered.get_json()["points"] == 50


def test_a_free_text_correction_is_still_allowed_and_recorded_without_a_rule(
    client, auth, session, town, book
):
    answer = client.post(
        "/api/v1/adjustments",
        json={"resident_id": town.resident_a.id, "amount": 3, "reason": "补录上月漏记"},
        headers=auth.headers(town.admin_a),
    )
    assert answer.status_code == 201
    moved = session.get(Transfer, answer.get_json()["transfer_id"])
    assert moved.rule_id is None and moved.memo == "补录上月漏记"
