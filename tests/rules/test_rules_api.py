"""Does the API publish a rule book, show the one in force, every version, and the budget?"""

from __future__ import annotations

from rule_helpers import ITEMS

from points import rules


def _body(village_id=None, effective="2026-06-01", items=None):
    body = {
        "effective_from": effective,
        "adopted": {
            "date": "2026-05-20",
            "body": "村民代表大会",
            "votes_for": 38,
            "votes_against": 1,
            "votes_abstain": 2,
        },
        "items": items or ITEMS,
    }
    if village_id is not None:
        body["village_id"] = village_id
    return body


def test_a_village_admin_publishes_additions_and_anyone_reads_the_villages_book(
    client, auth, town, book
):
    extra = [
        {
            "code": "waste",
            "name": "垃圾分类",
            "points": 1,
            "caps": [{"per": "household", "period": "month", "max_points": 10}],
        }
    ]
    made = client.post(
        "/api/v1/rule-books",
        json=_body(town.village_a.id, items=extra),
        headers=auth.headers(town.admin_a),
    )
    assert made.status_code == 201, made.get_json()

    answer = client.get(f"/api/v1/rules?village_id={town.village_a.id}")
    assert answer.status_code == 200
    body = answer.get_json()
    codes = [item["code"] for item in body["items"]]
    assert {"patrol", "mediation", "burning"} <= set(codes)
    patrol = next(i for i in body["items"] if i["code"] == "patrol")
    assert patrol["points"] == 10 and patrol["version"] == 2
    assert patrol["caps"] == [{"per": "resident", "period": "week", "max_times": 3}]
    mediation = next(i for i in body["items"] if i["code"] == "mediation")
    assert [t["points"] for t in mediation["tiers"]] == [10, 30, 50]
    town_book = next(v for v in body["in_force"] if v["book"] == "town")
    assert (town_book["body"], town_book["votes_for"], town_book["number"]) == (
        "村民代表大会",
        41,
        2,
    )
    assert [v["number"] for v in body["history"] if v["book"] == "town"] == [2, 1]
    # The village's addition is in force from June 2026: the other village never sees it.
    other = client.get(f"/api/v1/rules?village_id={town.village_b.id}").get_json()
    assert "waste" not in [item["code"] for item in other["items"]]


def test_who_may_publish_a_book_is_the_policys_answer(client, auth, town, book):
    assert (
        client.post(
            "/api/v1/rule-books", json=_body(), headers=auth.headers(town.admin_a)
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/rule-books", json=_body(town.village_b.id), headers=auth.headers(town.admin_a)
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/rule-books", json=_body(), headers=auth.headers(town.resident_a)
        ).status_code
        == 403
    )
    assert client.post("/api/v1/rule-books", json=_body()).status_code == 401
    assert (
        client.post(
            "/api/v1/rule-books", json=_body(), headers=auth.headers(town.town_admin)
        ).status_code
        == 201
    )


def test_bad_books_are_refused_cleanly(client, auth, town, book):
    headers = auth.headers(town.town_admin)
    no_points = [{"code": "x", "name": "无分值"}]
    twice = [ITEMS[0], ITEMS[0]]
    bad_cap = [{**ITEMS[0], "caps": [{"per": "resident", "period": "week"}]}]
    for items in (no_points, twice, bad_cap):
        answer = client.post("/api/v1/rule-books", json=_body(items=items), headers=headers)
        assert answer.status_code == 422, (items, answer.get_json())
    early = client.post("/api/v1/rule-books", json=_body(effective="2025-01-01"), headers=headers)
    assert early.status_code == 409


def test_every_version_of_one_rule_is_listed_newest_first(client, auth, town, book):
    changed = [{**i, "points": 12} if i["code"] == "patrol" else i for i in ITEMS]
    client.post(
        "/api/v1/rule-books", json=_body(items=changed), headers=auth.headers(town.town_admin)
    )
    answer = client.get(f"/api/v1/rules/patrol/versions?town_id={town.town.id}")
    assert answer.status_code == 200
    assert [(v["version"], v["points"]) for v in answer.get_json()] == [(3, 12), (2, 10), (1, 10)]
    assert client.get(f"/api/v1/rules/nothing/versions?town_id={town.town.id}").status_code == 404


def test_the_budget_answers_for_the_admins_over_the_place(client, auth, session, town, book):
    from points.places import settings
    from points.policy import Place

    settings.update(
        session,
        town.admin_a,
        Place(town.town.id, town.village_a.id),
        {"points_budget_year": 100, "point_value_yuan": "0.5"},
    )
    rules.award(session, rule_id=book["patrol"], resident_id=town.resident_a.id, memo="巡防")
    answer = client.get(
        f"/api/v1/budget?village_id={town.village_a.id}", headers=auth.headers(town.admin_a)
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["budget_points"], body["issued"], body["outstanding"]) == (100, 10, 10)
    assert body["liability_yuan"] == "5.00" and body["warning"] is False
    assert (
        client.get(
            f"/api/v1/budget?village_id={town.village_b.id}", headers=auth.headers(town.admin_a)
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/budget?village_id={town.village_a.id}", headers=auth.headers(town.resident_a)
        ).status_code
        == 403
    )


def test_the_openapi_document_lists_the_rule_book_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [
        ("/api/v1/rules", "get"),
        ("/api/v1/rules/{code}/versions", "get"),
        ("/api/v1/rule-books", "post"),
        ("/api/v1/budget", "get"),
    ]:
        assert method in paths[path], path
