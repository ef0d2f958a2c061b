"""Do the foundation's contract endpoints answer what SPEC promises?"""

from __future__ import annotations

import html
import re

import pytest

from points import ledger
from points.db import write_transaction


def hold(session, user, amount: int):
    with write_transaction(session):
        return ledger.transfer(
            session,
            debit_id=ledger.resident_account(session, user.id).id,
            credit_id=ledger.village_account(session, user.village_id, "redeemed").id,
            amount=amount,
            kind="redeem",
            pending=True,
        )


def resolve(session, hold_id: int, post: bool):
    with write_transaction(session):
        (ledger.post_pending if post else ledger.void_pending)(session, hold_id)


# --- /me and /me/transfers --------------------------------------------------------------
def test_me_shows_balance_available_and_level(client, auth, session, town, give):
    give(town.resident_a, 120)
    hold(session, town.resident_a, 20)
    me = client.get("/api/v1/me", headers=auth.headers(town.resident_a)).get_json()
    assert (me["id"], me["name"], me["village_id"]) == (
        town.resident_a.id,
        "张三丰",
        town.village_a.id,
    )
    assert (me["balance"], me["available"], me["lifetime_points"]) == (120, 100, 120)
    assert me["level"]["name"] == "平安卫士"
    assert isinstance(me["badges"], list)


def test_my_transfers_show_signs_and_statuses_newest_first(client, auth, session, town, give):
    give(town.resident_a, 100)
    pending = hold(session, town.resident_a, 10)
    voided = hold(session, town.resident_a, 20)
    posted = hold(session, town.resident_a, 30)
    resolve(session, voided.id, post=False)
    resolve(session, posted.id, post=True)
    give(town.resident_b, 7)  # someone else's line never shows
    answer = client.get("/api/v1/me/transfers", headers=auth.headers(town.resident_a))
    page = answer.get_json()
    assert page["total"] == 4
    lines = [(line["amount"], line["kind"], line["status"]) for line in page["items"]]
    assert lines == [
        (-30, "redeem", "posted"),
        (-20, "redeem", "voided"),
        (-10, "redeem", "pending"),
        (100, "award", "posted"),
    ]
    assert page["items"][0]["id"] == posted.id and page["items"][2]["id"] == pending.id
    assert all(re.match(r"\d{4}-\d\d-\d\dT", line["created_at"]) for line in page["items"])


def test_my_transfers_are_paginated(client, auth, session, town, give):
    for amount in range(1, 6):
        give(town.resident_a, amount)
    headers = auth.headers(town.resident_a)
    pages = [
        client.get(f"/api/v1/me/transfers?per_page=2&page={n}", headers=headers).get_json()
        for n in (1, 2, 3, 4)
    ]
    assert [[line["amount"] for line in p["items"]] for p in pages] == [[5, 4], [3, 2], [1], []]
    assert {p["total"] for p in pages} == {5}


@pytest.mark.parametrize("query", ["per_page=0", "per_page=1000", "page=0", "page=x"])
def test_bad_paging_is_a_422_not_a_500(client, auth, town, error_shape, query):
    answer = client.get(f"/api/v1/me/transfers?{query}", headers=auth.headers(town.resident_a))
    error_shape(answer, 422)


def test_a_town_admin_without_an_account_gets_an_empty_history(client, auth, town):
    answer = client.get("/api/v1/me/transfers", headers=auth.headers(town.town_admin))
    assert answer.status_code == 200
    assert (answer.get_json()["items"], answer.get_json()["total"]) == ([], 0)


# --- /villages --------------------------------------------------------------------------
def test_anyone_can_list_the_villages(client, town):
    villages = client.get("/api/v1/villages").get_json()
    assert [(v["code"], v["name"]) for v in villages] == [("GL01", "谷来村"), ("MC03", "马村")]


def test_a_town_admin_creates_a_village_with_its_accounts(client, auth, session, town):
    answer = client.post(
        "/api/v1/villages",
        json={"name": "西山村", "code": "XS05"},
        headers=auth.headers(town.town_admin),
    )
    assert answer.status_code == 201, answer.get_json()
    village = answer.get_json()
    assert village["code"] == "XS05" and village["id"]
    assert ledger.village_account(session, village["id"], "issuance").kind == "issuance"
    assert len(client.get("/api/v1/villages").get_json()) == 3


@pytest.mark.parametrize(
    "body,status",
    [
        ({"name": "重复村", "code": "GL01"}, 422),
        ({"name": "", "code": "XS06"}, 422),
        ({"name": "空格村", "code": "X S"}, 422),
        ({"code": "XS07"}, 422),
    ],
    ids=["a taken code", "no name", "a code with a space", "missing name"],
)
def test_bad_villages_are_refused(client, auth, session, town, error_shape, state, body, status):
    before = state(session)
    answer = client.post("/api/v1/villages", json=body, headers=auth.headers(town.town_admin))
    error_shape(answer, status)
    assert state(session) == before
    assert len(client.get("/api/v1/villages").get_json()) == 2


# --- /residents -------------------------------------------------------------------------
def test_a_village_admin_lists_only_their_village(client, auth, town):
    people = client.get("/api/v1/residents", headers=auth.headers(town.admin_a)).get_json()
    assert {p["village_id"] for p in people} == {town.village_a.id}
    assert town.resident_a.id in {p["id"] for p in people}
    assert town.resident_b.id not in {p["id"] for p in people}


def test_a_town_admin_lists_everyone_or_one_village(client, auth, town):
    headers = auth.headers(town.town_admin)
    everyone = client.get("/api/v1/residents?per_page=200", headers=headers).get_json()
    assert {town.resident_a.id, town.resident_b.id} <= {p["id"] for p in everyone}
    village_b = client.get(
        f"/api/v1/residents?village_id={town.village_b.id}", headers=headers
    ).get_json()
    assert {p["village_id"] for p in village_b} == {town.village_b.id}


def test_residents_can_be_searched_by_name_or_phone(client, auth, town):
    headers = auth.headers(town.admin_a)
    by_name = client.get("/api/v1/residents?q=三丰", headers=headers).get_json()
    assert [p["id"] for p in by_name] == [town.resident_a.id]
    by_phone = client.get(f"/api/v1/residents?q={town.resident_a2.phone}", headers=headers)
    assert [p["id"] for p in by_phone.get_json()] == [town.resident_a2.id]


def test_a_village_admin_registers_a_resident_who_can_log_in(client, auth, session, town):
    answer = client.post(
        "/api/v1/residents",
        json={
            "name": "钱七",
            "phone": "136 0000 1234",
            "household_id": "GL01-009",
            "password": "qian-777",
        },
        headers=auth.headers(town.admin_a),
    )
    assert answer.status_code == 201, answer.get_json()
    person = answer.get_json()
    assert (person["phone"], person["village_id"], person["household_code"]) == (
        "13600001234",
        town.village_a.id,
        "GL01-009",
    )
    assert (person["balance"], person["available"]) == (0, 0)
    assert "password" not in person
    token = client.post("/api/v1/auth/token", json={"phone": "13600001234", "password": "qian-777"})
    assert token.status_code == 200 and token.get_json()["role"] == "resident"


@pytest.mark.parametrize(
    "body,status",
    [
        ({"name": "重号", "phone": "{taken}"}, 409),
        ({"name": "短号", "phone": "12345"}, 422),
        ({"name": "", "phone": "13600009999"}, 422),
        ({"name": "短密码", "phone": "13600009998", "password": "123"}, 422),
        ({"name": "无村", "phone": "13600009997", "village_id": 999_999}, 403),
        ({"name": "坏角色", "phone": "13600009996", "role": "king"}, 422),
    ],
    ids=[
        "a taken phone",
        "a short phone",
        "no name",
        "a short password",
        "another village",
        "an unknown role",
    ],
)
def test_bad_residents_are_refused(client, auth, session, town, error_shape, state, body, status):
    body = {
        k: v.format(taken=town.resident_b.phone) if isinstance(v, str) else v
        for k, v in body.items()
    }
    before = state(session)
    answer = client.post("/api/v1/residents", json=body, headers=auth.headers(town.admin_a))
    error_shape(answer, status)
    assert state(session) == before


def test_a_resident_is_shown_with_their_balance(client, auth, session, town, give):
    give(town.resident_a, 42)
    answer = client.get(
        f"/api/v1/residents/{town.resident_a.id}", headers=auth.headers(town.admin_a)
    )
    person = answer.get_json()
    assert (person["name"], person["balance"], person["household_code"]) == (
        "张三丰",
        42,
        "GL01-001",
    )


def test_an_unknown_resident_is_404(client, auth, town, error_shape):
    error_shape(client.get("/api/v1/residents/999999", headers=auth.headers(town.admin_a)), 404)


# --- /ledger/verify and /auth/token -----------------------------------------------------
def test_a_town_admin_verifies_the_ledger(client, auth, session, town, give):
    give(town.resident_a, 5)
    give(town.resident_b, 6)
    body = client.get("/api/v1/ledger/verify", headers=auth.headers(town.town_admin)).get_json()
    assert body["ok"] is True and body["transfers"] == 2
    assert body["head_hash"] == ledger.head(session)[1] and len(body["head_hash"]) == 64


@pytest.mark.parametrize(
    "body", [{"phone": "13700000000", "password": "wrong"}, {"phone": "x"}, {}]
)
def test_a_bad_login_gets_no_token(client, town, body):
    answer = client.post("/api/v1/auth/token", json=body)
    assert answer.status_code in (401, 422)
    assert "token" not in answer.get_json()


# --- the OpenAPI document and the docs page ---------------------------------------------
CONTRACT = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/me": {"get"},
    "/api/v1/me/transfers": {"get"},
    "/api/v1/villages": {"get", "post"},
    "/api/v1/residents": {"get", "post"},
    "/api/v1/residents/{resident_id}": {"get"},
    "/api/v1/adjustments": {"post"},
    "/api/v1/ledger/verify": {"get"},
}


def test_the_openapi_document_lists_every_foundation_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path, methods in CONTRACT.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, spec["paths"][path].keys())
    adjustment = spec["components"]["schemas"]["AdjustmentIn"]
    assert {"resident_id", "amount", "reason"} <= set(adjustment["properties"])
    assert "resident_id" in adjustment["required"]


STARTER = "/static/js/swagger_init.js"


def test_the_docs_page_loads_only_vendored_assets(client):
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert re.findall(r"https?://", page) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    for asset in assets:
        # Swagger UI's files, and our starter (no inline script: the CSP forbids it).
        assert asset.startswith("/static/vendor/swagger-ui/") or asset == STARTER, asset
        assert client.get(asset).status_code == 200, asset
    # swagger-ui would otherwise call validator.swagger.io
    assert '"validatorUrl": null' in html.unescape(page)
