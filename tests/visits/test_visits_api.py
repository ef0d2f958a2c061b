"""Does the API record a home visit as the page does, answer as its document says, and list a
grid's households without ever counting one worker against another?"""

from __future__ import annotations

from points.people.cards import card_token
from points.visits.doors import door_token


def test_a_worker_records_a_visit_by_door_code_once_a_day_and_reads_the_diary(
    app, client, auth, visits_town
):
    town = visits_town
    headers = auth.headers(town.staff_a)
    secret = app.config["SECRET_KEY"]
    body = {
        "door_code": door_token(secret, town.resident_a.household_id),
        "note": "老人独居，燃气灶软管老化",
        "hazard_found": True,
        "confirmation": "card",
        "card_token": card_token(secret, town.resident_a),
    }
    made = client.post("/api/v1/visits", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    answer = made.get_json()
    assert (answer["member_points"], answer["worker_points"], answer["already"]) == (8, 2, False)
    assert answer["member_award"]["rule_code"] == "home_visit"
    again = client.post("/api/v1/visits", json=body, headers=headers)
    assert again.status_code == 200 and again.get_json()["already"] is True
    rows = client.get("/api/v1/visits/households", headers=headers).get_json()
    assert [(r["code"], r["visited_this_quarter"]) for r in rows] == [("GL01-001", True)]
    assert not any("worker" in key for row in rows for key in row)  # no per-worker figures
    diary = client.get(
        f"/api/v1/households/{town.resident_a.household_id}/visits", headers=headers
    ).get_json()
    assert [(v["worker_name"], v["hazard_found"]) for v in diary] == [("张网格", True)]


def test_the_api_refuses_what_the_page_refuses(app, client, auth, visits_town, error_shape):
    town = visits_town
    household = town.resident_a.household_id
    staff = auth.headers(town.staff_a)
    cases = [
        (staff, {"household_id": household, "note": "走访", "confirmation": "in_person"}, 422),
        (
            staff,
            {"household_id": household, "door_code": "x", "note": "走访", "confirmation": "card"},
            422,
        ),
        (staff, {"door_code": "h1.forged", "note": "走访", "confirmation": "in_person"}, 422),
        (
            staff,
            {
                "household_id": household,
                "note": "走访",
                "confirmation": "in_person",
                "member_id": town.resident_b.id,
            },
            422,
        ),
        (staff, {"household_id": 99999, "note": "走访", "confirmation": "in_person"}, 404),
        (
            auth.headers(town.admin_b),
            {
                "household_id": household,
                "note": "走访",
                "confirmation": "in_person",
                "member_id": town.resident_a.id,
            },
            403,
        ),
        (
            auth.headers(town.resident_a2),
            {
                "household_id": household,
                "note": "走访",
                "confirmation": "in_person",
                "member_id": town.resident_a.id,
            },
            403,
        ),
    ]
    for headers, body, status in cases:
        answer = client.post("/api/v1/visits", json=body, headers=headers)
        assert answer.status_code == status, (body, answer.get_json())
        error_shape(answer, status)


def test_the_openapi_document_describes_the_visit_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post"} <= set(paths["/api/v1/visits"])
    assert "200" in paths["/api/v1/visits"]["post"]["responses"]
    assert "get" in paths["/api/v1/visits/households"]
    assert "get" in paths["/api/v1/households/{household_id}/visits"]
