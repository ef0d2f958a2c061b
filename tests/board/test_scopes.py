"""Who is on which board: a grid's, a village's, a town's, the city's?"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from points.board import leaderboard
from points.board.leaderboard import Query
from points.board.participation import VillagesScope
from points.board.scopes import TownNeeded, UnknownGrid, UnknownTown, UnknownVillage

START = datetime(2026, 11, 2, 1, 0)  # 09:00 in Shanghai, 2 November 2026


def board(session, kind="residents", **where) -> list[dict]:
    return leaderboard.ranking(session, Query(kind=kind, period="all", **where))


def names(session, **where) -> list[tuple[int, str, int]]:
    return [(r["rank"], r["display_name"], r["points"]) for r in board(session, **where)]


@pytest.fixture
def scored(two_towns, points):
    t = two_towns
    points.award(t.in_grid_1, 30, START)
    points.award(t.in_grid_1b, 50, START + timedelta(minutes=1))
    points.award(t.in_grid_2, 40, START + timedelta(minutes=2))
    points.award(t.town.resident_b, 20, START + timedelta(minutes=3))
    points.award(t.far, 60, START + timedelta(minutes=4))
    return t


def test_a_grid_board_lists_only_the_residents_of_that_grid(session, scored):
    assert names(session, scope="grid", grid_id=scored.grid_1.id) == [
        (1, "林*", 50),
        (2, "陈*鸣", 30),
    ]
    assert names(session, scope="grid", grid_id=scored.grid_2.id) == [(1, "周*娃", 40)]


def test_a_village_board_holds_all_its_grids(session, scored):
    rows = board(session, scope="village", village_id=scored.town.village_a.id)
    assert [(r["display_name"], r["grid_name"]) for r in rows] == [
        ("林*", "一组网格"),
        ("周*娃", "二组网格"),
        ("陈*鸣", "一组网格"),
    ]


def test_a_town_board_leaves_out_the_residents_of_other_towns(session, scored):
    mine = names(session, scope="town", town_id=scored.town.town.id)
    assert [name for _, name, _ in mine] == ["林*", "周*娃", "陈*鸣", "赵*"]
    assert names(session, scope="town", town_id=scored.other_town.id) == [(1, "孙*海", 60)]


def test_the_city_board_ranks_the_residents_of_every_town_together(session, scored):
    rows = board(session, scope="city")
    assert [(r["rank"], r["display_name"], r["town_name"]) for r in rows] == [
        (1, "孙*海", "崇仁镇"),
        (2, "林*", "谷来镇"),
        (3, "周*娃", "谷来镇"),
        (4, "陈*鸣", "谷来镇"),
        (5, "赵*", "谷来镇"),
    ]
    assert board(session) == rows  # naming no place means the city


def test_equal_points_share_a_rank_on_every_board_and_who_got_there_first_comes_first(
    session, two_towns, points
):
    t = two_towns
    points.award(t.far, 30, START)
    points.award(t.in_grid_1b, 30, START + timedelta(minutes=1))
    points.award(t.in_grid_1, 30, START + timedelta(minutes=2))
    points.award(t.in_grid_2, 10, START + timedelta(minutes=3))
    assert names(session, grid_id=t.grid_1.id) == [(1, "林*", 30), (1, "陈*鸣", 30)]
    assert names(session, town_id=t.town.town.id) == [
        (1, "林*", 30),
        (1, "陈*鸣", 30),
        (3, "周*娃", 10),
    ]
    assert names(session) == [(1, "孙*海", 30), (1, "林*", 30), (1, "陈*鸣", 30), (4, "周*娃", 10)]


def test_no_board_of_any_scope_shows_a_full_name(session, scored):
    full = {"陈一鸣", "林二", "周三娃", "赵五", "孙四海"}
    for where in (
        {},
        {"town_id": scored.other_town.id},
        {"village_id": scored.town.village_a.id},
        {"grid_id": scored.grid_1.id},
    ):
        shown = {row["display_name"] for row in board(session, **where)}
        assert shown and not shown & full, where


def test_a_resident_who_opted_out_is_on_no_board_of_any_scope(session, scored):
    leaderboard.set_opt_out(session, scored.in_grid_1.id, True)
    for where, household in (
        ({}, [("GL01-010", 40)]),
        ({"town_id": scored.town.town.id}, [("GL01-010", 40)]),
        ({"village_id": scored.town.village_a.id}, [("GL01-010", 40)]),
        ({"grid_id": scored.grid_1.id}, []),  # its one member in this grid opted out
    ):
        assert "陈*鸣" not in [name for _, name, _ in names(session, **where)], where
        homes = board(session, "households", **where)
        assert [(r["display_name"], r["points"]) for r in homes] == household, where
    assert names(session, grid_id=scored.grid_1.id) == [(1, "林*", 50)]


def test_a_household_on_a_grid_board_counts_only_its_members_in_that_grid(session, scored):
    def homes(**where):
        return [(r["display_name"], r["points"]) for r in board(session, "households", **where)]

    assert homes(grid_id=scored.grid_1.id) == [("GL01-010", 30)]
    assert homes(grid_id=scored.grid_2.id) == [("GL01-010", 40)]
    assert homes(village_id=scored.town.village_a.id) == [("GL01-010", 70)]
    assert homes(town_id=scored.other_town.id) == []
    assert board(session, "households")[0]["town_name"] == "谷来镇"


@pytest.fixture
def taking_part(two_towns, points, make_person):
    """马村 1 of 1 took part; 谷来村 2 of 5; 崇仁村 1 of 2 (its second resident stayed home)."""
    t = two_towns
    make_person(t.other_village, name="吴六")
    points.checkin(t.town.resident_b, at=START)
    points.checkin(t.in_grid_1, at=START + timedelta(minutes=1))
    points.checkin(t.in_grid_2, at=START + timedelta(minutes=2))
    points.checkin(t.far, at=START + timedelta(minutes=3))
    return t


def village_ranks(rows) -> list[tuple]:
    return [(r["rank"], r["display_name"], r["participation_rate"], r["town_rank"]) for r in rows]


def test_villages_rank_by_participation_within_their_town(session, taking_part):
    home = board(session, "villages", scope="town", town_id=taking_part.town.town.id)
    assert village_ranks(home) == [(1, "马村", 100.0, 1), (2, "谷来村", 40.0, 2)]
    other = board(session, "villages", scope="town", town_id=taking_part.other_town.id)
    assert village_ranks(other) == [(1, "崇仁村", 50.0, 1)]


def test_villages_rank_across_the_city_and_keep_their_rank_within_their_town(session, taking_part):
    rows = board(session, "villages", scope="city")
    assert village_ranks(rows) == [
        (1, "马村", 100.0, 1),
        (2, "崇仁村", 50.0, 1),
        (3, "谷来村", 40.0, 2),
    ]
    assert [r["town_name"] for r in rows] == ["谷来镇", "崇仁镇", "谷来镇"]


def test_a_village_scope_of_villages_gives_that_village_with_its_rank_in_its_town(
    session, taking_part
):
    rows = board(session, "villages", village_id=taking_part.town.village_a.id)
    assert village_ranks(rows) == [(2, "谷来村", 40.0, 2)]


def test_villages_are_not_ranked_within_a_grid(session, taking_part):
    with pytest.raises(VillagesScope):
        board(session, "villages", scope="grid", grid_id=taking_part.grid_1.id)


def test_a_resident_sees_their_place_in_their_grid_village_town_and_city(session, scored):
    place = leaderboard.place_of(session, scored.in_grid_1.id, "all")
    ranks = {k: place[k] for k in ("grid_rank", "village_rank", "town_rank", "city_rank")}
    assert ranks == {"grid_rank": 2, "village_rank": 3, "town_rank": 3, "city_rank": 4}
    assert leaderboard.place_of(session, scored.far.id, "all")["town_rank"] == 1
    assert leaderboard.place_of(session, scored.town.resident_a.id, "all") is None


def test_the_town_scope_without_a_town_means_the_only_town(session, town, points):
    points.award(town.resident_b, 20)
    assert names(session, scope="town") == [(1, "赵*", 20)]


def test_the_town_scope_without_a_town_is_refused_when_the_city_has_several(session, scored):
    with pytest.raises(TownNeeded) as refused:
        board(session, scope="town")
    assert "town_id" in refused.value.message


def test_without_a_scope_the_narrowest_place_named_decides(session, scored):
    both = names(session, town_id=scored.town.town.id, grid_id=scored.grid_2.id)
    assert both == [(1, "周*娃", 40)]
    stated = names(session, scope="town", town_id=scored.other_town.id, grid_id=scored.grid_2.id)
    assert stated == [(1, "孙*海", 60)]  # a stated scope uses its own place's id


@pytest.mark.parametrize(
    ("where", "error"),
    [
        ({"scope": "grid", "grid_id": 9999}, UnknownGrid),
        ({"village_id": 9999}, UnknownVillage),
        ({"scope": "town", "town_id": 9999}, UnknownTown),
        ({"grid_id": 2**70}, UnknownGrid),
        ({"village_id": 2**40}, UnknownVillage),  # beyond PostgreSQL's integer column
        ({"town_id": -1}, UnknownTown),
    ],
)
def test_a_place_that_does_not_exist_is_named_in_a_not_found_error(session, town, where, error):
    with pytest.raises(error) as refused:
        board(session, **where)
    assert refused.value.category == "not_found"
