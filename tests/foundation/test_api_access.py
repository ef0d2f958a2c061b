"""Who may do what: village scope, roles, and no or bad tokens."""

from __future__ import annotations

import time

import pytest
import time_machine

from points.db import write_transaction

# (who asks, method, path template, body) → status. {a}/{b}: residents of 村A/村B.
TABLE = [
    ("admin_b", "GET", "/api/v1/residents/{a}", None, 403),
    ("admin_b", "POST", "/api/v1/adjustments", {"resident_id": "{a}", "amount": 5}, 403),
    ("admin_b", "POST", "/api/v1/adjustments", {"resident_id": "{a}", "amount": -5}, 403),
    ("admin_b", "GET", "/api/v1/residents?village_id={va}", None, 403),
    (
        "admin_b",
        "POST",
        "/api/v1/residents",
        {"name": "外村人", "phone": "13611112222", "village_id": "{va}"},
        403,
    ),
    ("admin_a", "GET", "/api/v1/residents/{a}", None, 200),
    ("admin_a", "GET", "/api/v1/ledger/verify", None, 403),
    ("admin_a", "POST", "/api/v1/villages", {"name": "新村", "code": "XC09"}, 403),
    (
        "admin_a",
        "POST",
        "/api/v1/residents",
        {"name": "新村官", "phone": "13611113333", "role": "village_admin"},
        403,
    ),
    ("staff_a", "GET", "/api/v1/residents", None, 403),
    ("staff_a", "POST", "/api/v1/adjustments", {"resident_id": "{a}", "amount": 5}, 403),
    ("resident_a", "GET", "/api/v1/residents", None, 403),
    ("resident_a", "GET", "/api/v1/residents/{a}", None, 403),
    ("resident_a", "POST", "/api/v1/residents", {"name": "某人", "phone": "13611114444"}, 403),
    ("resident_a", "POST", "/api/v1/adjustments", {"resident_id": "{a}", "amount": 5}, 403),
    ("resident_a", "GET", "/api/v1/ledger/verify", None, 403),
    ("resident_a", "POST", "/api/v1/villages", {"name": "新村", "code": "XC09"}, 403),
    ("town_admin", "GET", "/api/v1/residents/{b}", None, 200),
    ("town_admin", "GET", "/api/v1/ledger/verify", None, 200),
]

PROTECTED = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/me/transfers"),
    ("GET", "/api/v1/residents"),
    ("POST", "/api/v1/residents"),
    ("GET", "/api/v1/residents/1"),
    ("POST", "/api/v1/adjustments"),
    ("GET", "/api/v1/ledger/verify"),
    ("POST", "/api/v1/villages"),
]


def fill(value, town):
    """Put the town's ids into a path or body template."""
    ids = {
        "a": town.resident_a.id,
        "b": town.resident_b.id,
        "va": town.village_a.id,
    }
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if filled.isdigit() and value != filled and "/" not in value else filled
    if isinstance(value, dict):
        return {k: fill(v, town) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    "who,method,path,body,status",
    TABLE,
    ids=[f"{w} {m} {p} → {s}" for w, m, p, _b, s in TABLE],
)
def test_each_role_reaches_only_what_it_may(
    client, auth, session, town, state, error_shape, who, method, path, body, status
):
    if body is not None and method == "POST" and "adjustments" in path:
        body = {**body, "reason": "测试"}
    before = state(session)
    answer = client.open(
        fill(path, town),
        method=method,
        json=fill(body, town),
        headers=auth.headers(getattr(town, who)),
    )
    if status >= 400:
        error_shape(answer, status)
        assert state(session) == before
    else:
        assert answer.status_code == status, answer.get_json()


def test_a_village_admin_refused_another_village_is_told_why(client, auth, town, error_shape):
    answer = client.get(
        f"/api/v1/residents/{town.resident_a.id}", headers=auth.headers(town.admin_b)
    )
    body = error_shape(answer, 403)
    assert body["errors"]["reason"] == "other_village"
    assert "不是您所在村" in body["message"]
    assert town.resident_a.name not in answer.get_data(as_text=True)


@pytest.mark.parametrize("method,path", PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_no_token_is_401(client, town, error_shape, method, path):
    answer = client.open(path, method=method, json={})
    assert "请先登录" in error_shape(answer, 401)["message"]


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer ", "Bearer eyJ1IjoxfQ.forged.signature", "Basic abc"],
)
def test_a_bad_token_is_401(client, town, error_shape, header):
    answer = client.get("/api/v1/me", headers={"Authorization": header})
    error_shape(answer, 401)


def test_an_expired_token_is_401(app, client, auth, town, error_shape):
    token = auth.token(town.resident_a)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    a_day_after_expiry = time.time() + app.config["TOKEN_MAX_AGE"] + 24 * 3600
    with time_machine.travel(a_day_after_expiry, tick=False):
        error_shape(client.get("/api/v1/me", headers=headers), 401)


def test_a_token_signed_with_another_secret_is_401(app, client, auth, town, error_shape):
    token = auth.token(town.resident_a)
    app.config["SECRET_KEY"] = "another-secret"
    error_shape(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_a_token_of_a_suspended_resident_is_401(client, auth, session, town, error_shape):
    token = auth.token(town.resident_a)
    with write_transaction(session):
        town.resident_a.active = False
    error_shape(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_one_client_switching_tokens_acts_as_each_user_in_turn(client, auth, town):
    for person in (town.resident_a, town.resident_b, town.resident_a):
        me = client.get("/api/v1/me", headers=auth.headers(person)).get_json()
        assert me["id"] == person.id
    assert client.get("/api/v1/me").status_code == 401
