"""Are the web's own protections on every answer, and does logging out end the login?"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
ANSWERS = [
    ("get", "/"),
    ("get", "/login"),
    ("get", "/shop"),
    ("get", "/no-such-page"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/no-such-thing"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/docs"),
    ("get", "/static/js/page.js"),
    ("post", "/api/v1/auth/token"),
]


def _csp(answer) -> dict[str, str]:
    policy = answer.headers["Content-Security-Policy"]
    return dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";"))


@pytest.mark.parametrize(("method", "path"), ANSWERS)
def test_every_answer_carries_the_security_headers(client, method, path):
    answer = getattr(client, method)(path)
    for name, value in HEADERS.items():
        assert answer.headers.get(name) == value, (name, answer.headers)
    csp = _csp(answer)
    assert csp["frame-ancestors"] == "'none'"
    assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert "Strict-Transport-Security" not in answer.headers  # plain http here


def test_no_template_has_inline_script_or_event_handlers():
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        found += [
            f"{template.name}: {m}" for m in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        ]
        found += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        found += [f"{template.name}: javascript:" for _ in re.findall("javascript:", text)]
    assert found == []


def _cookies(answer) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in answer.headers.getlist("Set-Cookie")}


def test_the_remember_me_cookie_is_lax_http_only_and_lives_thirty_days(client, town):
    answer = client.post("/login", data={"phone": town.resident_a.phone, "password": "secret123"})
    remember = SimpleCookie(_cookies(answer)["remember_token"])["remember_token"]
    assert remember["samesite"] == "Lax" and remember["httponly"]
    assert int(remember["max-age"] or 0) <= 30 * 24 * 3600
    assert not remember["secure"]  # plain http: a Secure cookie would never come back
    session = SimpleCookie(_cookies(answer)["session"])["session"]
    assert session["samesite"] == "Lax" and session["httponly"]


def test_over_https_answers_add_hsts_and_every_cookie_is_secure(client, town):
    answer = client.post(
        "/login",
        data={"phone": town.resident_a.phone, "password": "secret123"},
        base_url="https://localhost",
    )
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = _cookies(answer)
    assert {"session", "remember_token"} <= set(cookies)
    assert all("; Secure" in cookie for cookie in cookies.values()), cookies


def test_a_site_configured_for_https_sends_hsts_and_secure_cookies(make_app, town):
    client = make_app(PREFERRED_URL_SCHEME="https").test_client()
    answer = client.post("/login", data={"phone": town.resident_a.phone, "password": "secret123"})
    assert "Strict-Transport-Security" in answer.headers
    assert all("; Secure" in c for c in _cookies(answer).values())


def _replay(app, cookies: dict[str, str]):
    replay = app.test_client()
    for name, value in cookies.items():
        replay.set_cookie(name, value)
    return replay


def test_after_logout_neither_the_session_nor_the_remember_cookie_lets_anyone_in(app, client, town):
    client.post("/login", data={"phone": town.resident_a.phone, "password": "secret123"})
    kept = {c.key: c.value for c in client._cookies.values()}
    assert {"session", "remember_token"} <= set(kept)
    assert _replay(app, kept).get("/me").status_code == 200  # the copy works before logout

    client.post("/logout")

    for name in ("session", "remember_token"):
        one = {name: kept[name]}
        page = _replay(app, one).get("/me")
        assert page.status_code == 302 and "/login" in page.headers["Location"], name
        api = _replay(app, one).get("/api/v1/me")
        assert api.status_code == 401, name


def test_logging_out_ends_the_other_sessions_of_that_person_too(app, client, town):
    other = app.test_client()
    for door in (client, other):
        door.post("/login", data={"phone": town.resident_a.phone, "password": "secret123"})
    client.post("/logout")
    assert other.get("/me").status_code == 302
    client.post("/login", data={"phone": town.resident_a.phone, "password": "secret123"})
    assert client.get("/me").status_code == 200  # a new login works again
