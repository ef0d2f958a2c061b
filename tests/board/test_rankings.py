"""How does the leaderboard rank people, and what does it leave out?"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from points.board import leaderboard
from points.board.leaderboard import Query, mask_name

LAST_SECOND_OF_2026 = datetime(2026, 12, 31, 15, 59, 59, 999999)  # 23:59:59.999999 Shanghai
FIRST_MOMENT_OF_2027 = datetime(2026, 12, 31, 16, 0)  # 2027-01-01 00:00 Shanghai
LAST_OF_JANUARY = datetime(2027, 1, 31, 15, 59, 59)
FIRST_OF_FEBRUARY = datetime(2027, 1, 31, 16, 0)


def names(session, **query) -> list[tuple[int, str, int]]:
    rows = leaderboard.ranking(session, Query(**query))
    return [(r["rank"], r["display_name"], r["points"]) for r in rows]


@pytest.mark.parametrize(
    ("name", "shown"),
    [("张三丰", "张*丰"), ("张三", "张*"), ("欧阳娜娜", "欧**娜"), ("张", "张"), (" 李四 ", "李*")],
)
def test_names_are_masked_like_the_notice_board(name, shown):
    assert mask_name(name) == shown


def test_spending_points_never_lowers_a_rank(session, town, points):
    points.award(town.resident_a, 50)
    points.award(town.resident_b, 40)
    points.redeem(town.resident_a, 45)  # 张三丰 now holds 5, 赵五 40
    assert names(session, period="all") == [(1, "张*丰", 50), (2, "赵*", 40)]


def test_deductions_and_reversals_do_lower_the_points_earned(session, town, points):
    points.award(town.resident_a, 50)
    points.award(town.resident_b, 40)
    points.deduct(town.resident_a, 15, kind="adjust")
    assert names(session, period="all") == [(1, "赵*", 40), (2, "张*丰", 35)]


def test_equal_points_share_a_rank_and_who_got_there_first_is_listed_first(session, town, points):
    start = datetime(2026, 11, 2, 1, 0)
    points.award(town.resident_b, 30, start)
    points.award(town.resident_a, 30, start + timedelta(minutes=1))
    points.award(town.resident_a2, 10, start + timedelta(minutes=2))
    got = names(session, period="month", now=start)
    assert got == [(1, "赵*", 30), (1, "张*丰", 30), (3, "李*", 10)]


def test_a_household_ranks_by_its_members_sum_and_ties_go_to_the_earlier_household(
    session, town, points, make_person
):
    start = datetime(2026, 11, 2, 1, 0)
    other = make_person(town.village_a, name="王大锤", household="GL01-002")
    points.award(other, 40, start)  # GL01-002 reaches 40 first
    points.award(town.resident_a, 25, start + timedelta(minutes=1))
    points.award(town.resident_a2, 15, start + timedelta(minutes=2))  # GL01-001 reaches 40 later
    rows = leaderboard.ranking(session, Query(kind="households", period="month", now=start))
    assert [(r["rank"], r["display_name"], r["points"]) for r in rows] == [
        (1, "GL01-002", 40),
        (1, "GL01-001", 40),
    ]
    assert rows[1]["members"] == 2


def test_residents_who_opted_out_are_left_out_everywhere(session, town, points):
    points.award(town.resident_a, 50)
    points.award(town.resident_a2, 20)
    points.award(town.resident_b, 10)
    leaderboard.set_opt_out(session, town.resident_a.id, True)
    assert names(session, period="all") == [(1, "李*", 20), (2, "赵*", 10)]
    homes = leaderboard.ranking(session, Query(kind="households", period="all"))
    assert [(r["display_name"], r["points"]) for r in homes] == [("GL01-001", 20)]
    leaderboard.set_opt_out(session, town.resident_a.id, False)
    assert names(session, period="all")[0] == (1, "张*丰", 50)


def test_a_village_board_shows_only_that_village(session, town, points):
    points.award(town.resident_a, 50)
    points.award(town.resident_b, 60)
    got = names(session, period="all", village_id=town.village_b.id)
    assert got == [(1, "赵*", 60)]


def test_the_last_second_of_the_year_counts_for_the_old_year_and_month(session, town, points):
    points.award(town.resident_a, 10, LAST_SECOND_OF_2026)
    points.award(town.resident_b, 20, FIRST_MOMENT_OF_2027)
    for period in ("month", "year"):
        assert names(session, period=period, now=LAST_SECOND_OF_2026) == [(1, "张*丰", 10)]
        assert names(session, period=period, now=FIRST_MOMENT_OF_2027) == [(1, "赵*", 20)]
    assert names(session, period="all", now=FIRST_MOMENT_OF_2027) == [
        (1, "赵*", 20),
        (2, "张*丰", 10),
    ]


def test_midnight_on_the_last_day_of_a_month_starts_the_next_months_board(session, town, points):
    points.award(town.resident_a, 10, LAST_OF_JANUARY)
    points.award(town.resident_b, 20, FIRST_OF_FEBRUARY)
    assert names(session, period="month", now=LAST_OF_JANUARY) == [(1, "张*丰", 10)]
    assert names(session, period="month", now=FIRST_OF_FEBRUARY) == [(1, "赵*", 20)]
    assert names(session, period="year", now=FIRST_OF_FEBRUARY) == [
        (1, "赵*", 20),
        (2, "张*丰", 10),
    ]


def test_villages_rank_by_the_share_of_residents_who_checked_in(session, town, points):
    points.checkin(town.resident_b)  # 马村: 1 of 1
    points.checkin(town.resident_a)  # 谷来村: 1 of 2
    points.checkin(town.resident_a)
    rows = leaderboard.ranking(session, Query(kind="villages", period="month"))
    assert [(r["rank"], r["display_name"], r["participation_rate"]) for r in rows] == [
        (1, "马村", 100.0),
        (2, "谷来村", 50.0),
    ]
    assert (rows[1]["participants"], rows[1]["residents"]) == (1, 2)


def test_a_resident_sees_their_own_place_in_village_and_town(session, town, points):
    points.award(town.resident_b, 60)
    points.award(town.resident_a, 50)
    points.award(town.resident_a2, 70)
    place = leaderboard.place_of(session, town.resident_a.id)
    ranks = {k: place[k] for k in ("points", "grid_rank", "village_rank", "town_rank")}
    assert ranks == {"points": 50, "grid_rank": None, "village_rank": 2, "town_rank": 3}
    assert leaderboard.place_of(session, town.staff_a.id) is None
