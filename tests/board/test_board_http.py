"""What do the public leaderboard API and pages show, and what do they refuse?"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from points.extensions import db as sqla
from points.models import User


@pytest.fixture
def scored(town, points):
    points.award(town.resident_a, 120)
    points.award(town.resident_b, 40)
    points.checkin(town.resident_a2)
    points.redeem(town.resident_a, 100)
    return town


def test_the_api_lists_masked_residents_with_rank_points_and_level(client, scored):
    answer = client.get("/api/v1/leaderboard?scope=town&period=month&limit=50")
    assert answer.status_code == 200
    rows = answer.get_json()
    assert [(r["rank"], r["display_name"], r["points"]) for r in rows] == [
        (1, "张*丰", 120),
        (2, "赵*", 40),
        (3, "李*", 10),
    ]
    assert rows[0]["level"]["name"] == "平安卫士"
    assert "张三丰" not in answer.get_data(as_text=True)
    with_badges = client.get("/api/v1/leaderboard?badges=true").get_json()
    assert [b["code"] for b in with_badges[2]["badges"]] == ["first_checkin"]


def test_the_api_ranks_households_and_villages_on_request(client, scored):
    homes = client.get("/api/v1/leaderboard?kind=households&period=all").get_json()
    assert [(r["display_name"], r["points"]) for r in homes] == [("GL01-001", 130)]
    villages = client.get("/api/v1/leaderboard?kind=villages").get_json()
    assert [(r["display_name"], r["participation_rate"]) for r in villages] == [
        ("谷来村", 50.0),
        ("马村", 0.0),
    ]


def test_a_village_scope_lists_only_that_village(client, scored):
    village = scored.village_b.id
    rows = client.get(f"/api/v1/leaderboard?scope=village&village_id={village}").get_json()
    assert [r["display_name"] for r in rows] == ["赵*"]


@pytest.mark.parametrize(
    "query",
    [
        "scope=village",
        "period=week",
        "kind=dogs",
        "limit=0",
        "limit=1000",
        "limit=ten",
        "village_id=abc",
        "scope=county",
    ],
)
def test_bad_parameters_get_a_422_in_the_json_error_shape(client, scored, query):
    answer = client.get(f"/api/v1/leaderboard?{query}")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["code"] == 422 and body["status"] and body["message"] and body["errors"]


def test_an_unknown_village_is_a_404_not_an_empty_board(client, scored):
    answer = client.get("/api/v1/leaderboard?scope=village&village_id=9999")
    assert answer.status_code == 404
    assert answer.get_json()["errors"]["reason"] == "unknown_village"


def test_get_me_tells_a_resident_their_level_and_badges(client, auth, scored):
    # A browser session: bearer tokens meet the `app` fixture's shared `g` (see the report).
    auth.login(scored.resident_a)
    me = client.get("/api/v1/me").get_json()
    assert me["level"]["name"] == "平安卫士"
    assert [b["code"] for b in me["badges"]] == ["first_redemption"]


def test_my_points_page_shows_badges_place_and_lets_me_leave_the_board(
    client, auth, session, scored
):
    auth.login(scored.resident_a)
    page = client.get("/me").get_data(as_text=True)
    assert "首次兑换" in page
    assert "本村第 1 名" in page and "全镇第 1 名" in page
    assert "本网格" not in page and "全市" not in page  # no grid, and the city has one town
    answer = client.post("/me/leaderboard", data={"hide": "1"})
    assert answer.status_code == 302
    assert "您已选择不在排行榜上显示" in client.get("/me").get_data(as_text=True)
    rows = client.get("/api/v1/leaderboard").get_json()
    assert "张*丰" not in [r["display_name"] for r in rows]
    client.post("/me/leaderboard", data={"hide": "0"})
    rows = client.get("/api/v1/leaderboard").get_json()
    assert rows[0]["display_name"] == "张*丰"


def test_leaving_the_board_without_a_csrf_token_changes_nothing(make_app, scored, session):
    strict = make_app(WTF_CSRF_ENABLED=True)
    browser = strict.test_client()
    login = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    browser.post(
        "/login",
        data={"phone": scored.resident_a.phone, "password": "secret123", "csrf_token": token},
    )
    answer = browser.post("/me/leaderboard", data={"hide": "1"})
    assert answer.status_code == 400
    sqla.session.expire_all()
    assert not session.scalar(
        select(User.leaderboard_opt_out).where(User.id == scored.resident_a.id)
    )


def test_the_leaderboard_page_has_period_and_kind_tabs_and_a_village_picker(client, scored):
    page = client.get("/leaderboard").get_data(as_text=True)
    assert "张*丰" in page and "张三丰" not in page
    assert 'data-period="month" aria-current="true"' in page
    homes = client.get("/leaderboard?kind=households&period=all").get_data(as_text=True)
    assert "GL01-001" in homes and 'data-kind="households" aria-current="true"' in homes
    village = client.get(f"/leaderboard?village_id={scored.village_b.id}").get_data(as_text=True)
    assert "赵*" in village and "张*丰" not in village
    villages = client.get("/leaderboard?kind=villages").get_data(as_text=True)
    assert "50.0" in villages and "马村" in villages


def test_the_public_ledger_page_shows_figures_per_village_and_the_head_hash(client, scored):
    page = client.get("/ledger").get_data(as_text=True)
    head = client.get("/api/v1/ledger/head").get_json()
    assert head["head_hash"] in page
    # 谷来村 issued 130 (120 + 10), redeemed 100; 30 left with its residents.
    assert re.search(r"<td>谷来村</td><td>130</td><td>100</td><td>30", page)
    assert re.search(r"<td>马村</td><td>40</td><td>0</td><td>40", page)
    assert page.count('data-testid="participation-chart"') == 2
    assert "/api/v1/ledger/head" in page


def test_home_links_the_board_and_previews_this_months_top(client, scored):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/leaderboard"' in page and 'href="/ledger"' in page
    assert "张*丰" in page and "本月排行榜" in page
