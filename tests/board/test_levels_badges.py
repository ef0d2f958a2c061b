"""Which level and badges does a resident have, and can the town change the levels?"""

from __future__ import annotations

from datetime import datetime, timedelta

from points.board import badges, standing
from points.db import write_transaction
from points.places import settings

JAN = datetime(2026, 1, 10, 2, 0)


def codes(session, user) -> list[str]:
    return [b["code"] for b in standing.summary(session, user)["badges"]]


def test_levels_follow_lifetime_points_with_the_default_thresholds(session, town, points):
    points.award(town.resident_a, 120)
    points.redeem(town.resident_a, 100)  # spending keeps the level
    level = standing.summary(session, town.resident_a)["level"]
    assert (level["name"], level["next_name"], level["points_to_next"]) == (
        "平安卫士",
        "平安之星",
        180,
    )


def test_the_town_and_a_village_can_set_their_own_level_thresholds(session, town, points):
    points.award(town.resident_a, 60)
    points.award(town.resident_b, 60)
    with write_transaction(session):
        settings.put(session, "level_thresholds", [0, 50, 500], town.place)
        settings.put(
            session,
            "level_thresholds",
            [{"points": 0, "name": "起步", "name_en": "Start"}, {"points": 100, "name": "进阶"}],
            town.place_b,
        )
    a = standing.summary(session, town.resident_a)["level"]
    b = standing.summary(session, town.resident_b)["level"]
    assert (a["name"], a["points_to_next"]) == ("平安卫士", 440)
    assert (b["name"], b["next_name"], b["points_to_next"]) == ("起步", "进阶", 40)


def test_unusable_level_settings_fall_back_to_the_defaults():
    assert standing.parse_levels("nonsense") == standing.DEFAULT_LEVELS
    assert standing.parse_levels([0, "x"]) == standing.DEFAULT_LEVELS
    assert standing.parse_levels([20, 10])[0][0] == 0  # the first level always starts at 0


def test_a_first_check_in_earns_the_first_check_in_badge(session, town, points):
    assert codes(session, town.resident_a) == []
    points.checkin(town.resident_a, "publicity")
    assert codes(session, town.resident_a) == ["first_checkin"]


def test_ten_patrols_earn_the_patrol_badge_and_nine_do_not(session, town, points):
    for i in range(9):
        points.checkin(town.resident_a, "patrol", JAN + timedelta(hours=i))
    assert "patrol_10" not in codes(session, town.resident_a)
    points.checkin(town.resident_a, "patrol", JAN + timedelta(hours=10))
    assert "patrol_10" in codes(session, town.resident_a)


def test_three_consecutive_months_across_new_year_earn_the_badge(session, town, points):
    points.checkin(town.resident_a, at=datetime(2026, 11, 20))
    points.checkin(town.resident_a, at=datetime(2027, 1, 20))
    assert "three_months" not in codes(session, town.resident_a)  # November, January: a gap
    points.checkin(town.resident_a, at=datetime(2026, 12, 31, 16, 30))  # 1 Jan in Shanghai
    assert "three_months" not in codes(session, town.resident_a)
    points.checkin(town.resident_a, at=datetime(2026, 12, 31, 15, 30))  # 31 Dec in Shanghai
    assert "three_months" in codes(session, town.resident_a)


def test_only_a_posted_redemption_earns_the_first_redemption_badge(session, town, points):
    points.award(town.resident_a, 50)
    points.redeem(town.resident_a, 10, pending=True)
    assert "first_redemption" not in codes(session, town.resident_a)
    points.redeem(town.resident_a, 10)
    assert "first_redemption" in codes(session, town.resident_a)


def test_month_runs_are_counted_without_gaps():
    assert badges.has_run([1, 2, 3])
    assert badges.has_run([5, 1, 2, 7, 3])
    assert not badges.has_run([1, 2, 4, 5])
