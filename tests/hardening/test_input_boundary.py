"""Does every odd value from outside end in a clear 4xx, never a 500 or a 503, on both
databases? (Integers no column holds, NUL bytes, lone surrogates, year-1 dates, deep or huge
JSON, and every page route with odd path and query values.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOO_BIG = str(2**63)  # 9223372036854775808: no integer column holds it
PG_TOO_BIG = str(2**31)  # PostgreSQL's `integer` does not


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/events/{TOO_BIG}",
        f"/api/v1/events/{PG_TOO_BIG}",
        f"/api/v1/leaderboard?scope=village&village_id={TOO_BIG}",
        f"/api/v1/leaderboard?scope=village&village_id={PG_TOO_BIG}",
        f"/api/v1/leaderboard?limit={'9' * 5000}",
        "/api/v1/leaderboard?scope=town%00",
    ],
)
def test_an_integer_no_column_holds_in_a_path_or_query_is_a_4xx(client, path, error_shape):
    answer = client.get(path)
    assert answer.status_code in (404, 422)
    error_shape(answer, answer.status_code)


@pytest.mark.parametrize(
    "body",
    [
        '{"phone": "\\ud800", "password": "x"}',
        '{"phone": "1\\u0000", "password": "x"}',
        '{"phone": "1", "password": "x", "amount": ' + "9" * 4301 + "}",
        '{"phone": "1", "password": "x", "amount": ' + TOO_BIG + "}",
        '{"phone": "1", "password": "x", "n": 1e999}',
        "[" * 100_000 + "]" * 100_000,
        '{"phone": "' + "x" * 300_000 + '"}',
    ],
    ids=["surrogate", "nul", "4301-digits", "2^63", "infinity", "deep", "huge"],
)
def test_a_json_body_with_a_value_no_view_should_see_is_a_4xx(client, body, error_shape):
    answer = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert answer.status_code in (413, 422), answer.get_data(as_text=True)[:300]
    error_shape(answer, answer.status_code)


def test_a_year_one_date_at_plus_fourteen_hours_is_a_422(client, auth, town, error_shape):
    headers = auth.headers(town.admin_a)
    body = {
        "title": "夜间巡逻",
        "category_id": 1,
        "starts_at": "0001-01-01T00:00:00+14:00",
        "ends_at": "0001-01-01T01:00:00+14:00",
    }
    answer = client.post("/api/v1/events", json=body, headers=headers)
    error_shape(answer, 422)


def test_an_adjustment_of_an_amount_no_column_holds_is_a_422(client, auth, town, error_shape):
    headers = auth.headers(town.admin_a)
    body = {"resident_id": town.resident_a.id, "amount": 2**40, "reason": "测试"}
    answer = client.post("/api/v1/adjustments", json=body, headers=headers)
    error_shape(answer, 422)


def test_trace_is_a_405_that_says_what_is_allowed(client):
    for path in ("/", "/api/v1/events"):
        answer = client.open(path, method="TRACE")
        assert answer.status_code == 405
        assert "GET" in answer.headers["Allow"]


# --- every page route with odd values ----------------------------------------------------
ODD_PATH_VALUES = {
    "int": [TOO_BIG, PG_TOO_BIG, "9" * 400],
    "default": ["x" * 3000, "%00", "%ED%A0%80", "..%2F..", "0001-01-01T00:00:00%2B14:00"],
}
ODD_QUERY_VALUES = [
    TOO_BIG,
    PG_TOO_BIG,
    "9" * 5000,
    "-1%00",
    "%ED%A0%80x" + "x" * 3000,
    "0001-01-01T00:00:00%2B14:00",
]


def _query_names() -> list[str]:
    """Every query name a page reads (found in the page modules' source)."""
    names = set()
    for source in (ROOT / "points" / "web").glob("*.py"):
        names |= set(
            re.findall(r"request\.(?:args|values)\.get(?:list)?\(\s*\"(\w+)\"", source.read_text())
        )
    return sorted(names)


def _odd_paths(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static")) or "GET" not in rule.methods:
            continue
        if not rule.arguments:
            paths.append(rule.rule)
            continue
        for round_ in range(3):
            path = rule.rule
            for name, converter in rule._converters.items():
                kind = "int" if type(converter).__name__ == "BoundedInt" else "default"
                values = ODD_PATH_VALUES[kind]
                path = re.sub(rf"<[^>]*\b{name}>", values[round_ % len(values)], path)
            paths.append(path)
    return paths


def _fuzz(client, paths) -> list[tuple[int, str]]:
    names = _query_names()
    failures = []
    for path in paths:
        for value in ODD_QUERY_VALUES:
            query = "?" + "&".join(f"{n}={value}" for n in names)
            answer = client.get(path + query)
            if answer.status_code >= 500:
                failures.append((answer.status_code, path + query[:80]))
    return failures


def test_every_page_route_with_odd_path_and_query_values_answers_without_a_5xx(
    app, client, auth, town
):
    """Anonymous, then as a town admin (who may open nearly every page): no 5xx."""
    paths = _odd_paths(app)
    assert len(paths) > 40
    failures = _fuzz(client, paths)
    auth.login(town.town_admin)
    failures += _fuzz(client, paths)
    assert failures == []


def test_a_multipart_part_whose_name_is_a_bare_newline_is_not_a_500(client, auth, town):
    """Found by the stateful fuzz: werkzeug gives such a part no name (None)."""
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="%0A"\r\n\r\nnull\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    answer = client.post(
        "/api/v1/cases/1/fix",
        data=body,
        headers={
            **auth.headers(town.town_admin),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
