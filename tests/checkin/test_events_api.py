"""Can admins run an event's life through the API, and only in their own village?"""

from __future__ import annotations

import pytest


def _new(client, headers, **fields):
    body = {
        "title": "消防演练",
        "category": "fire_drill",
        "starts_at": "2026-06-01T11:00:00Z",
        "ends_at": "2026-06-01T13:00:00Z",
        **fields,
    }
    return client.post("/api/v1/events", json=body, headers=headers)


def test_an_event_takes_its_categorys_points_and_a_window_from_thirty_minutes_before(
    client, auth, town, categories
):
    answer = _new(client, auth.headers(town.admin_a))
    body = answer.get_json()
    assert answer.status_code == 201, body
    assert body["points"] == categories["fire_drill"].default_points
    assert body["village_id"] == town.village_a.id and body["status"] == "published"
    assert body["checkin_opens_at"].startswith("2026-06-01T10:30")
    assert body["qr_mode"] == "rotating"


def test_a_draft_is_hidden_from_the_public_list(client, auth, town, categories):
    _new(client, auth.headers(town.admin_a), status="draft", title="草稿活动")
    _new(client, auth.headers(town.admin_a), title="公开活动")
    titles = [e["title"] for e in client.get("/api/v1/events").get_json()]
    assert titles == ["公开活动"]


def test_a_village_admin_cannot_make_a_town_wide_or_other_village_event(
    client, auth, town, categories
):
    headers = auth.headers(town.admin_a)
    assert _new(client, headers, village_id=town.village_b.id).status_code == 403
    town_wide = _new(client, auth.headers(town.town_admin))
    assert town_wide.status_code == 201 and town_wide.get_json()["village_id"] is None


@pytest.mark.parametrize(
    ("steps", "last_status"),
    [(["publish"], 409), (["close", "publish"], 409), (["cancel", "close"], 409)],
)
def test_illegal_status_moves_are_refused(client, auth, town, categories, steps, last_status):
    headers = auth.headers(town.admin_a)
    event_id = _new(client, headers).get_json()["id"]
    answers = [client.post(f"/api/v1/events/{event_id}/{s}", headers=headers) for s in steps]
    assert answers[-1].status_code == last_status
    assert answers[-1].get_json()["reason"] == "illegal_transition"


def test_bad_times_and_points_are_refused(client, auth, town, categories):
    headers = auth.headers(town.admin_a)
    backwards = _new(client, headers, ends_at="2026-06-01T10:00:00Z")
    assert backwards.status_code == 422
    assert _new(client, headers, points=0).status_code == 422
    assert _new(client, headers, points="ten").status_code == 422
    assert client.get("/api/v1/events").get_json() == []


def test_only_the_town_admin_changes_a_categorys_default_points(client, auth, town, categories):
    patrol = categories["patrol"].id
    refused = client.patch(
        f"/api/v1/categories/{patrol}",
        json={"default_points": 20},
        headers=auth.headers(town.admin_a),
    )
    assert refused.status_code == 403
    done = client.patch(
        f"/api/v1/categories/{patrol}",
        json={"default_points": 20},
        headers=auth.headers(town.town_admin),
    )
    assert done.status_code == 200 and done.get_json()["default_points"] == 20
    made = _new(client, auth.headers(town.admin_a), category="patrol")
    assert made.get_json()["points"] == 20
