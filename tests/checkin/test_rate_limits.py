"""Are failed scans limited per user and per IP, without a success wiping the slate?"""

from __future__ import annotations

import pytest
from support.accounts import AuthActions

from checkin.helpers import counts, rotating_code
from points.extensions import limiter


@pytest.fixture
def limited(make_app):
    """The app again with rate limits on (3 failures per user, 5 per IP)."""
    limited_app = make_app(
        RATELIMIT_ENABLED=True,
        CHECKIN_FAILS_PER_USER="3 per 10 minutes",
        CHECKIN_FAILS_PER_IP="5 per 10 minutes",
    )
    enabled = limiter.enabled
    limiter.reset()
    yield limited_app.test_client()
    limiter.reset()
    limiter.enabled = enabled  # the limiter is shared: the other tests run without limits


@pytest.fixture
def client(limited):
    return limited


@pytest.fixture
def auth(limited):
    return AuthActions(limited)


@pytest.fixture
def limits_on(limited):
    return limited


def _scan(client, headers, token):
    return client.post("/api/v1/checkins", json={"token": token}, headers=headers)


def test_three_failed_scans_block_the_fourth_even_a_good_one(
    client, auth, town, make_event, session, limits_on
):
    event = make_event()
    headers = auth.headers(town.resident_a)
    for _ in range(3):
        assert _scan(client, headers, "forged").status_code == 422
    before = counts(session)
    blocked = _scan(client, headers, rotating_code(event))
    assert blocked.status_code == 429
    assert blocked.get_json()["message"]
    assert counts(session) == before


def test_a_success_does_not_reset_the_failure_count(client, auth, town, make_event, limits_on):
    event = make_event()
    other = make_event(title="平安宣传")
    headers = auth.headers(town.resident_a)
    assert _scan(client, headers, "forged").status_code == 422
    assert _scan(client, headers, "forged").status_code == 422
    assert _scan(client, headers, rotating_code(event)).status_code == 201
    assert _scan(client, headers, "forged").status_code == 422
    assert _scan(client, headers, rotating_code(other)).status_code == 429


def test_successes_and_repeats_are_never_limited(client, auth, town, make_event, limits_on):
    event = make_event()
    headers = auth.headers(town.resident_a)
    answers = [_scan(client, headers, rotating_code(event)).status_code for _ in range(8)]
    assert answers == [201] + [200] * 7


def test_failures_from_one_address_add_up_across_people(client, auth, town, make_event, limits_on):
    people = [town.resident_a, town.resident_a2, town.resident_b]
    headers = [auth.headers(person) for person in people]
    for h in headers[:2]:
        for _ in range(2):
            assert _scan(client, h, "forged").status_code == 422
    assert _scan(client, headers[2], "forged").status_code == 422  # the fifth from this IP
    assert _scan(client, headers[2], "forged").status_code == 429


def test_the_scan_page_is_limited_too(client, town, limits_on):
    for _ in range(3):
        assert client.get("/c/forged").status_code == 422
    assert client.get("/c/forged").status_code == 429
