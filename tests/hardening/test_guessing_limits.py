"""Can a phone's password, a voucher or a card be guessed? Per-account counters live in the
database, so they hold whatever the number of workers, hosts or IP addresses."""

from __future__ import annotations

import pytest

from points.extensions import limiter

WRONG = "not-the-password"


@pytest.fixture
def limits_on(make_app):
    """A second app over the same database with every limit on (the suite runs without)."""
    enabled = limiter.enabled
    app = make_app(RATELIMIT_ENABLED=True, VOUCHER_FAILS_PER_USER="3 per 10 minutes")
    limiter.reset()
    yield app
    limiter.reset()
    limiter.enabled = enabled


def _from(client, ip: str):
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_wrong_passwords_from_twenty_addresses_lock_the_account_until_its_admin_lifts_it(
    limits_on, town, auth, client, session
):
    door = limits_on.test_client()
    phone = town.resident_a.phone
    answers = []
    for i in range(40):  # two tries from each of 20 addresses, the page and the API in turn
        _from(door, f"10.0.{i % 20}.1")
        if i % 2:
            answer = door.post("/api/v1/auth/token", json={"phone": phone, "password": WRONG})
        else:
            answer = door.post("/login", data={"phone": phone, "password": WRONG})
        answers.append(answer.status_code)
    assert answers[:4] == [401] * 4  # the fifth wrong password locks the account
    assert set(answers[4:]) == {429}

    locked = _from(door, "10.9.9.9").post(
        "/api/v1/auth/token", json={"phone": phone, "password": "secret123"}
    )
    assert locked.status_code == 429  # even the right password waits
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "15 分钟" in locked.get_json()["message"]
    page = door.post("/login", data={"phone": phone, "password": "secret123"})
    assert page.status_code == 429 and "15 分钟后再试" in page.get_data(as_text=True)

    # The village admin sees the lock on the resident's page and lifts it.
    session.commit()  # the test's own session ends its read snapshot (the app shares it)
    auth.login(town.admin_a)
    shown = client.get(f"/admin/residents/{town.resident_a.id}")
    assert 'data-testid="lockout"' in shown.get_data(as_text=True)
    assert client.post(f"/admin/residents/{town.resident_a.id}/unlock").status_code == 302
    assert (
        door.post("/api/v1/auth/token", json={"phone": phone, "password": "secret123"}).status_code
        == 200
    )


def test_an_admin_of_another_village_may_not_lift_the_lock(limits_on, town, auth, client):
    headers = auth.headers(town.admin_b)
    answer = client.delete(f"/api/v1/people/{town.resident_a.id}/lockout", headers=headers)
    assert answer.status_code == 403
    own = client.delete(
        f"/api/v1/people/{town.resident_a.id}/lockout", headers=auth.headers(town.admin_a)
    )
    assert own.status_code == 204


def test_a_right_password_before_the_limit_starts_the_count_again(limits_on, town):
    door = limits_on.test_client()
    phone = town.resident_a.phone
    for _ in range(4):
        assert door.post("/login", data={"phone": phone, "password": WRONG}).status_code == 401
    assert door.post("/login", data={"phone": phone, "password": "secret123"}).status_code == 302
    for _ in range(4):
        assert door.post("/login", data={"phone": phone, "password": WRONG}).status_code == 401


def test_voucher_guesses_are_counted_across_workers(limits_on, make_app, town, auth):
    """Two apps (two workers) over one database share one staff member's guess count."""
    other = make_app(RATELIMIT_ENABLED=True, VOUCHER_FAILS_PER_USER="3 per 10 minutes")
    token = auth.token(town.admin_a)
    headers = {"Authorization": f"Bearer {token}"}
    doors = [limits_on.test_client(), other.test_client()]
    answers = [
        doors[i % 2]
        .post("/api/v1/vouchers/fulfil", json={"voucher_code": "ZZZZZZZZ"}, headers=headers)
        .status_code
        for i in range(5)
    ]
    assert answers[:3] != [429] * 3 and 429 not in answers[:3]
    assert answers[3:] == [429, 429]
