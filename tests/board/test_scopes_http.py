"""What do GET /leaderboard and the /leaderboard page show for a grid, a village, a town and
the city, and what do they refuse?"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from points.models import utcnow

API = "/api/v1/leaderboard"


@pytest.fixture
def scored(two_towns, points):
    t = two_towns
    start = utcnow() - timedelta(seconds=1)  # this month: "my points" shows this month's place
    points.checkin(t.in_grid_1, at=start, points=30)
    points.award(t.in_grid_1b, 50, start + timedelta(milliseconds=1))
    points.award(t.in_grid_2, 40, start + timedelta(milliseconds=2))
    points.award(t.town.resident_b, 20, start + timedelta(milliseconds=3))
    points.checkin(t.far, at=start + timedelta(milliseconds=4), points=60)
    return t


def listed(answer) -> list[tuple]:
    assert answer.status_code == 200, answer.get_json()
    return [(r["rank"], r["display_name"], r["points"]) for r in answer.get_json()]


def test_the_api_ranks_a_grid_and_names_the_grid_village_and_town(client, scored):
    answer = client.get(f"{API}?scope=grid&grid_id={scored.grid_1.id}")
    assert listed(answer) == [(1, "林*", 50), (2, "陈*鸣", 30)]
    row = answer.get_json()[0]
    assert (row["grid_name"], row["village_name"], row["town_name"]) == (
        "一组网格",
        "谷来村",
        "谷来镇",
    )
    assert (row["grid_id"], row["town_id"]) == (scored.grid_1.id, scored.town.town.id)
    assert row["level"]["name"] == "平安新星"


def test_the_api_ranks_a_town_and_the_city(client, scored):
    town = client.get(f"{API}?scope=town&town_id={scored.other_town.id}")
    assert listed(town) == [(1, "孙*海", 60)]
    city = client.get(f"{API}?scope=city")
    assert [name for _, name, _ in listed(city)] == ["孙*海", "林*", "周*娃", "陈*鸣", "赵*"]
    assert listed(client.get(API)) == listed(city)  # no scope, no place: the city


def test_the_api_ranks_households_within_a_grid(client, scored):
    answer = client.get(f"{API}?kind=households&grid_id={scored.grid_2.id}")
    assert listed(answer) == [(1, "GL01-010", 40)]


def test_the_api_ranks_villages_within_a_town_and_across_the_city(client, scored):
    home = client.get(f"{API}?kind=villages&scope=town&town_id={scored.town.town.id}").get_json()
    assert [(r["display_name"], r["rank"]) for r in home] == [("谷来村", 1), ("马村", 2)]
    across = client.get(f"{API}?kind=villages&scope=city").get_json()
    assert [(r["display_name"], r["rank"], r["town_rank"], r["town_name"]) for r in across] == [
        ("崇仁村", 1, 1, "崇仁镇"),
        ("谷来村", 2, 1, "谷来镇"),
        ("马村", 3, 2, "谷来镇"),
    ]


def test_the_first_waves_village_scope_still_answers(client, scored):
    answer = client.get(f"{API}?scope=village&village_id={scored.town.village_b.id}")
    assert listed(answer) == [(1, "赵*", 20)]
    answer = client.get(f"{API}?village_id={scored.town.village_b.id}")  # scope left out
    assert listed(answer) == [(1, "赵*", 20)]


def test_scope_town_without_town_id_answers_the_only_town(client, town, points):
    points.award(town.resident_b, 20)
    assert listed(client.get(f"{API}?scope=town")) == [(1, "赵*", 20)]


def test_scope_town_without_town_id_is_a_422_asking_for_it_when_there_are_several_towns(
    client, scored
):
    answer = client.get(f"{API}?scope=town")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["reason"] == "town_needed" and body["errors"] == {"reason": "town_needed"}
    assert body["code"] == 422 and body["status"] and "town_id" in body["message"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("scope=grid&grid_id=9999", "unknown_grid"),
        ("grid_id=9999", "unknown_grid"),
        ("scope=village&village_id=9999", "unknown_village"),
        ("scope=town&town_id=9999", "unknown_town"),
        ("town_id=9999&kind=villages", "unknown_town"),
    ],
)
def test_an_unknown_place_is_a_404_in_the_json_error_shape(client, scored, query, reason):
    answer = client.get(f"{API}?{query}")
    assert answer.status_code == 404
    body = answer.get_json()
    assert body["code"] == 404 and body["reason"] == reason and body["message"]


@pytest.mark.parametrize(
    "query",
    [
        "kind=households&grid_id=99999999999999999999999",
        "scope=town&town_id=1099511627776",  # beyond a 32-bit id column
    ],
)
def test_an_id_beyond_what_the_database_holds_is_a_422_out_of_range(client, scored, query):
    answer = client.get(f"{API}?{query}")
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["reason"] == "out_of_range"


@pytest.mark.parametrize(
    "query",
    ["scope=grid", "scope=grid&village_id=1", "grid_id=abc", "town_id=0", "scope=street"],
)
def test_a_scope_without_its_place_or_a_malformed_id_is_a_422(client, scored, query):
    answer = client.get(f"{API}?{query}")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["code"] == 422 and body["message"] and body["errors"]


def test_villages_within_a_grid_is_a_422_naming_the_scopes_that_work(client, scored):
    answer = client.get(f"{API}?kind=villages&scope=grid&grid_id={scored.grid_1.id}")
    assert answer.status_code == 422
    assert answer.get_json()["reason"] == "villages_scope"


# --- the page ------------------------------------------------------------------------------
def page(client, query="") -> str:
    answer = client.get(f"/leaderboard?{query}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def crumbs(html: str) -> str:
    found = re.search(r'data-testid="board-place">(.*?)</nav>', html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found)).strip()


def ranked(html: str) -> list[str]:
    return re.findall(r'<span class="name">([^<]+?)\s*</span>', html)


def test_the_page_opens_on_the_city_with_a_town_picker_when_there_are_several_towns(client, scored):
    html = page(client)
    assert crumbs(html) == "嵊州市"
    assert ranked(html) == ["孙*海", "林*", "周*娃", "陈*鸣", "赵*"]
    assert 'id="town_id"' in html and ">崇仁镇</option>" in html
    assert 'id="village_id"' not in html  # a village is picked within a town
    assert "崇仁镇 · 崇仁村" in html  # the city's rows say where each resident lives


def test_the_page_shows_a_towns_board_with_its_villages_to_pick(client, scored):
    html = page(client, f"town_id={scored.town.town.id}")
    assert crumbs(html) == "嵊州市 › 谷来镇"
    assert ranked(html) == ["林*", "周*娃", "陈*鸣", "赵*"]
    assert ">谷来村</option>" in html and ">马村</option>" in html and "崇仁村" not in html
    assert "<small>香榧币</small>" in html and "平安币" not in html  # each town names its points
    other = page(client, f"town_id={scored.other_town.id}")
    assert ranked(other) == ["孙*海"] and "<small>平安币</small>" in other


def test_the_page_shows_a_villages_board_with_its_grids_to_pick(client, scored):
    html = page(client, f"town_id={scored.town.town.id}&village_id={scored.town.village_a.id}")
    assert crumbs(html) == "嵊州市 › 谷来镇 › 谷来村"
    assert ranked(html) == ["林*", "周*娃", "陈*鸣"]
    assert ">一组网格 · 张家弄</option>" in html and ">二组网格</option>" in html
    assert f'name="village_id" value="{scored.town.village_a.id}"' in html  # the grid picker's


def test_the_page_shows_a_grids_board_with_the_grid_name_and_micro_grid(client, scored):
    html = page(client, f"grid_id={scored.grid_1.id}")
    assert crumbs(html) == "嵊州市 › 谷来镇 › 谷来村 › 一组网格"
    assert "微网格：张家弄" in html
    assert ranked(html) == ["林*", "陈*鸣"]
    # The period tabs keep the place; the villages tab widens it to the town.
    year_tab = re.search(r'href="([^"]+)"\s+data-period="year"', html).group(1)
    assert f"grid_id={scored.grid_1.id}" in year_tab
    villages_tab = re.search(r'href="([^"]+)"\s+data-kind="villages"', html).group(1)
    assert "town_id" in villages_tab and "grid_id" not in villages_tab


def test_the_page_ranks_villages_within_a_town_or_across_the_city(client, scored):
    town = page(client, f"kind=villages&grid_id={scored.grid_1.id}")
    assert crumbs(town) == "嵊州市 › 谷来镇"
    assert ranked(town) == ["谷来村", "马村"]
    city = page(client, "kind=villages")
    assert ranked(city) == ["崇仁村", "谷来村", "马村"]
    assert "镇内第 2 名" in city


def test_a_single_town_city_opens_on_its_town(client, town, points):
    points.award(town.resident_b, 20)
    html = page(client)
    assert crumbs(html) == "谷来镇" and 'id="town_id"' not in html
    assert ">马村</option>" in html


@pytest.mark.parametrize("query", ["grid_id=9999", "village_id=9999", "town_id=9999"])
def test_the_page_for_an_unknown_place_is_a_404_page(client, scored, query):
    answer = client.get(f"/leaderboard?{query}")
    assert answer.status_code == 404
    assert "<html" in answer.get_data(as_text=True)


def test_my_points_shows_my_place_in_my_grid_village_town_and_city(client, auth, scored):
    auth.login(scored.in_grid_1)
    html = client.get("/me").get_data(as_text=True)
    place = re.sub(r"\s+", " ", re.search(r'data-testid="my-place">(.*?)</p>', html, re.S)[1])
    for said in ("本网格第 2 名", "本村第 3 名", "全镇第 3 名", "全市第 4 名"):
        assert said in place
    assert f"grid_id={scored.grid_1.id}" in place  # its link opens my grid's board


def test_the_public_ledger_groups_villages_by_town(client, scored):
    html = client.get("/ledger").get_data(as_text=True)
    towns = re.findall(r'data-testid="town-figures">([^<]+)', html)
    assert [t.strip() for t in towns] == ["崇仁镇", "谷来镇"]
    other, home = html.split('data-testid="town-figures"')[1:3]
    assert "<td>崇仁村</td><td>60</td>" in other and "谷来村" not in other
    assert "<td>谷来村</td><td>120</td>" in home and "<td>马村</td><td>20</td>" in home
    assert "<th>合计</th><td>140</td>" in home
