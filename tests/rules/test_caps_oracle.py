"""Do caps count exactly as an independent model of the Shanghai calendar says, for awards at
random moments around day, week, month and year boundaries?"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from points import rules
from points.models import Rule, RuleBook

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Shanghai midnights that end a day, an ISO week (Sunday → Monday), a month and a year.
EDGES = [
    datetime(2025, 12, 31, 0, 0),  # a Wednesday
    datetime(2026, 1, 1, 0, 0),  # a year, a month and (Thursday) a day
    datetime(2026, 1, 5, 0, 0),  # Monday: a new ISO week
    datetime(2026, 2, 1, 0, 0),  # a month (Sunday)
    datetime(2026, 3, 2, 0, 0),  # Monday
]
PER_AWARD = 10
CAPS = [
    {"per": "resident", "period": "day", "max_times": 1},
    {"per": "resident", "period": "week", "max_times": 3},
    {"per": "household", "period": "month", "max_points": 45},
    {"per": "resident", "period": "year", "max_times": 5},
]
_codes = itertools.count(1)

# A moment: an edge, give or take up to 30 hours, to the minute (Shanghai wall clock).
moment = st.builds(
    lambda edge, minutes: edge + timedelta(minutes=minutes),
    st.sampled_from(EDGES),
    st.integers(min_value=-30 * 60, max_value=30 * 60),
)
award = st.tuples(st.sampled_from(["a", "a2", "b"]), moment)


def model_periods(per: str, period: str, who: str, household: str | None, wall: datetime):
    """The model's own counter key: whose, and which Shanghai period."""
    holder = household if per == "household" and household else who
    year, week, _ = wall.isocalendar()
    return holder, {
        "day": wall.date().isoformat(),
        "week": (year, week),
        "month": (wall.year, wall.month),
        "year": wall.year,
    }[period]


def model_award(used: dict, who: str, household: str | None, wall: datetime) -> int:
    """What the caps let through, and record it (times all-or-nothing, points trimmed)."""
    keys = [
        (i, *model_periods(c["per"], c["period"], who, household, wall)) for i, c in enumerate(CAPS)
    ]
    times = 1
    for i, *key in keys:
        cap = CAPS[i]
        if "max_times" in cap and used.get(("t", i, *key), 0) >= cap["max_times"]:
            times = 0
    points = PER_AWARD * times
    for i, *key in keys:
        cap = CAPS[i]
        if "max_points" in cap:
            points = min(points, cap["max_points"] - used.get(("p", i, *key), 0))
    if points <= 0:
        return 0
    for i, *key in keys:
        used[("t", i, *key)] = used.get(("t", i, *key), 0) + times
        used[("p", i, *key)] = used.get(("p", i, *key), 0) + points
    return points


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(awards=st.lists(award, min_size=1, max_size=16))
def test_caps_over_random_shanghai_moments_agree_with_an_independent_model(session, town, awards):
    code = f"capped{next(_codes)}"
    rules.publish(
        session,
        None,
        village_id=town.village_a.id,
        adoption=rules.Adoption(effective_from=datetime(2020, 1, 1).date(), body="村民代表大会"),
        items=[{"code": code, "name": "测试", "points": PER_AWARD, "caps": CAPS}],
    )
    rule_id = session.scalar(
        select(Rule.id)
        .join(RuleBook, RuleBook.id == Rule.book_id)
        .where(Rule.code == code, RuleBook.village_id == town.village_a.id)
    )
    people = {"a": town.resident_a, "a2": town.resident_a2, "b": town.resident_b}
    households = {"a": "GL01-001", "a2": "GL01-001", "b": None}
    used: dict = {}
    for who, wall in awards:
        stored = wall.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)
        done = rules.award(
            session, rule_id=rule_id, resident_id=people[who].id, memo="测试", at=stored
        )
        assert done.granted.points == model_award(used, who, households[who], wall), (who, wall)
