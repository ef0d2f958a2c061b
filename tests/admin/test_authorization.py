# ruff: noqa: E501  (the table reads best one endpoint a line)
"""Who may open each admin page and endpoint? A table of (endpoint × role → status).

The thing acted on always belongs to 村A (GL01): its admin and the town admin may act, the
other village's admin, residents and grid workers may not (staff see the dashboard only).
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from points.models import AuditEntry, Setting, Transfer, User

ROLES = ("anonymous", "resident", "staff", "other_admin", "own_admin", "town_admin")


def statuses(anonymous, resident, staff, other_admin, own_admin, town_admin):
    return dict(
        zip(ROLES, (anonymous, resident, staff, other_admin, own_admin, town_admin), strict=True)
    )


PAGE_READ = statuses(302, 403, 403, 403, 200, 200)
PAGE_WRITE = statuses(302, 403, 403, 403, 302, 302)
API_READ = statuses(401, 403, 403, 403, 200, 200)

# name, method, url ({a}: 村A's id, {r}: a resident of 村A, {c}: their check-in), body, expected
TABLE = [
    ("dashboard page", "GET", "/admin/?village_id={a}", None, statuses(302, 403, 200, 403, 200, 200)),
    ("roster page", "GET", "/admin/residents/?village_id={a}", None, PAGE_READ),
    ("new resident form", "GET", "/admin/residents/new", None, statuses(302, 403, 403, 200, 200, 200)),
    ("register resident", "POST", "/admin/residents/new", "new_person", PAGE_WRITE),
    ("resident page", "GET", "/admin/residents/{r}", None, PAGE_READ),
    ("edit resident", "POST", "/admin/residents/{r}", "edit", PAGE_WRITE),
    ("suspend resident", "POST", "/admin/residents/{r}/suspend", None, PAGE_WRITE),
    ("reissue card", "POST", "/admin/residents/{r}/reissue-card", None, PAGE_WRITE),
    ("import page", "GET", "/admin/residents/import", None, statuses(302, 403, 403, 200, 200, 200)),
    ("import upload", "POST", "/admin/residents/import", "csv", statuses(302, 403, 403, 422, 200, 200)),
    ("card sheet", "GET", "/admin/residents/cards?village_id={a}", None, PAGE_READ),
    ("one resident's card", "GET", "/admin/residents/cards?ids={r}", None, PAGE_READ),
    ("adjust page", "GET", "/admin/adjustments?resident_id={r}", None, PAGE_READ),
    ("adjust", "POST", "/admin/adjustments?resident_id={r}", "adjust_form", PAGE_WRITE),
    ("check-ins page", "GET", "/admin/checkins?resident_id={r}", None, PAGE_READ),
    ("reverse check-in", "POST", "/admin/checkins/{c}/reverse", "reason", PAGE_WRITE),
    ("reports page", "GET", "/admin/reports/?village_id={a}", None, PAGE_READ),
    ("monthly notice", "GET", "/admin/reports/notice?village_id={a}", None, PAGE_READ),
    ("audit page", "GET", "/admin/audit?village_id={a}", None, PAGE_READ),
    ("settings page", "GET", "/admin/settings?village_id={a}", None, PAGE_READ),
    ("change settings", "POST", "/admin/settings?village_id={a}", "settings_form", PAGE_WRITE),
    ("ledger verify page", "GET", "/admin/ledger", None, statuses(302, 403, 403, 403, 403, 200)),
    ("api dashboard", "GET", "/api/v1/dashboard?village_id={a}", None, statuses(401, 403, 200, 403, 200, 200)),
    ("api ledger csv", "GET", "/api/v1/reports/ledger.csv?village_id={a}", None, API_READ),
    ("api checkins xlsx", "GET", "/api/v1/reports/checkins.xlsx?village_id={a}", None, API_READ),
    ("api redemptions csv", "GET", "/api/v1/reports/redemptions.csv?village_id={a}", None, API_READ),
    ("api residents xlsx", "GET", "/api/v1/reports/residents.xlsx?village_id={a}", None, API_READ),
    ("api import", "POST", "/api/v1/residents/import", "csv", statuses(401, 403, 403, 422, 200, 200)),
    ("api edit", "PATCH", "/api/v1/residents/{r}", "edit_json", API_READ),
    ("api suspend", "POST", "/api/v1/residents/{r}/suspend", None, API_READ),
    ("api reinstate active", "POST", "/api/v1/residents/{r}/reinstate", None, statuses(401, 403, 403, 403, 409, 409)),
    ("api reissue card", "POST", "/api/v1/residents/{r}/card/reissue", None, API_READ),
    ("api card svg", "GET", "/api/v1/residents/{r}/card.svg", None, API_READ),
    ("api adjust", "POST", "/api/v1/adjustments", "adjust_json", statuses(401, 403, 403, 403, 201, 201)),
    ("api reverse", "POST", "/api/v1/checkins/{c}/reverse", "reason_json", statuses(401, 403, 403, 403, 201, 201)),
    ("api audit", "GET", "/api/v1/audit?village_id={a}", None, API_READ),
    ("api settings", "GET", "/api/v1/settings?village_id={a}", None, API_READ),
    ("api change settings", "PUT", "/api/v1/settings?village_id={a}", "settings_json", API_READ),
    ("api ledger verify", "GET", "/api/v1/ledger/verify", None, statuses(401, 403, 403, 403, 403, 200)),
]  # fmt: skip

# Reads change nothing: every role is tried in one test. Writes: the refused roles in one
# test (nothing may be written), each allowed role in a fresh database of its own.
READS = [
    pytest.param(url, expected, id=name)
    for name, method, url, _b, expected in TABLE
    if method == "GET"
]
ALLOWED_WRITES = [
    pytest.param(method, url, body, role, expected[role], id=f"{name}-{role}")
    for name, method, url, body, expected in TABLE
    for role in ROLES
    if method != "GET" and expected[role] < 400 and role != "anonymous"
]
REFUSED_WRITES = [
    pytest.param(
        method,
        url,
        body,
        {r: s for r, s in expected.items() if s >= 400 or r == "anonymous"},
        id=name,
    )
    for name, method, url, body, expected in TABLE
    if method != "GET"
]


def _body(kind, town):
    a = town.village_a.id
    r = town.resident_a.id
    return {
        None: {},
        "new_person": {"data": {"name": "新村民", "phone": "13812349999", "village_id": a}},
        "edit": {"data": {"name": "张三丰", "phone": town.resident_a.phone, "household": "GL01-9"}},
        "csv": {
            "data": {"file": (io.BytesIO("姓名,手机号,村编码,户号\n王建国,13812340001,GL01,\n".encode("gbk")), "a.csv")},
            "content_type": "multipart/form-data",
        },
        "adjust_form": {"data": {"amount": "5", "reason": "帮助邻居"}},
        "reason": {"data": {"reason": "签错了人"}},
        "settings_form": {"data": {"checkin_rotate_seconds": "20", "deduction_rules": "私拉电线 -10"}},
        "edit_json": {"json": {"household_code": "GL01-9"}},
        "adjust_json": {"json": {"resident_id": r, "amount": 5, "reason": "帮助邻居"}},
        "reason_json": {"json": {"reason": "签错了人"}},
        "settings_json": {"json": {"deduction_rules": [{"label": "见义勇为", "amount": 50}]}},
    }[kind]  # fmt: skip


def _users(town) -> dict:
    return {
        "anonymous": None,
        "resident": town.resident_a2,
        "staff": town.staff_a,
        "other_admin": town.admin_b,
        "own_admin": town.admin_a,
        "town_admin": town.town_admin,
    }


def _call(client, auth, town, user, method, url, body, checkin_id):
    target = url.format(a=town.village_a.id, r=town.resident_a.id, c=checkin_id)
    headers = {}
    auth.logout()
    if user is not None:
        if target.startswith("/api/"):
            headers = auth.headers(user)
        else:
            auth.login(user)
    return client.open(target, method=method, headers=headers, **_body(body, town))


def _written(session) -> tuple[int, ...]:
    tables = (AuditEntry, Transfer, User, Setting)
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in tables)


@pytest.mark.parametrize(("url", "expected"), READS)
def test_admin_page_or_report_answers_each_role_as_the_table_says(
    client, auth, session, town, award_checkin, url, expected
):
    checkin = award_checkin(town.resident_a, 10)
    users = _users(town)
    before = _written(session)
    got = {
        role: _call(client, auth, town, users[role], "GET", url, None, checkin.id).status_code
        for role in ROLES
    }
    assert got == expected
    session.expire_all()
    assert _written(session) == before


@pytest.mark.parametrize(("method", "url", "body", "role", "expected"), ALLOWED_WRITES)
def test_admin_action_lets_in_the_roles_the_table_allows(
    client, auth, town, award_checkin, method, url, body, role, expected
):
    checkin = award_checkin(town.resident_a, 10)
    user = _users(town)[role]
    answer = _call(client, auth, town, user, method, url, body, checkin.id)
    assert answer.status_code == expected, answer.get_data(as_text=True)[:400]


@pytest.mark.parametrize(("method", "url", "body", "refused"), REFUSED_WRITES)
def test_admin_action_refuses_the_other_roles_and_writes_nothing(
    client, auth, session, town, award_checkin, method, url, body, refused
):
    checkin = award_checkin(town.resident_a, 10)
    users = _users(town)
    before = _written(session)
    got = {}
    for role in refused:
        answer = _call(client, auth, town, users[role], method, url, body, checkin.id)
        got[role] = answer.status_code
    assert got == refused
    session.expire_all()
    assert _written(session) == before
