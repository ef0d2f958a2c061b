"""Do the rankings equal a brute-force count over the ledger, whatever happened?"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import board_oracle as oracle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from points import ledger
from points.board import leaderboard
from points.errors import InsufficientPoints
from points.models import Village
from points.people import NewPerson, create_person
from points.places import create_village

# Midnight in Shanghai on the last day of a year and of a month (16:00 UTC the day before).
NEW_YEAR = datetime(2026, 12, 31, 16, 0)
NEW_MONTH = datetime(2027, 1, 31, 16, 0)
NEAR = [timedelta(0), timedelta(microseconds=-1), timedelta(seconds=1), timedelta(hours=-9),
        timedelta(hours=7), timedelta(days=-20), timedelta(days=3)]  # fmt: skip
MOMENTS = sorted({edge + near for edge in (NEW_YEAR, NEW_MONTH) for near in NEAR})
HAN = "张王李赵刘陈杨黄周吴三丰明华国强秀英小红"

_codes = itertools.count(1)
_phones = itertools.count(15_000_000)

person = st.fixed_dictionaries(
    {
        "name": st.text(alphabet=HAN, min_size=1, max_size=4),
        "village": st.integers(0, 1),
        "household": st.one_of(st.none(), st.integers(0, 2)),
        "opt_out": st.booleans(),
    }
)
operation = st.tuples(
    st.sampled_from(["award", "adjust+", "adjust-", "reverse", "redeem", "checkin"]),
    st.integers(0, 5),  # whom (modulo the number of people)
    st.sampled_from([5, 10, 10, 20, 35]),  # equal amounts make ties likely
    st.sampled_from(MOMENTS),
)


def build_town(session, town_id, people):
    codes = [f"V{next(_codes)}", f"V{next(_codes)}"]
    villages = [create_village(session, town_id=town_id, name=f"村{c}", code=c) for c in codes]
    made = []
    for p in people:
        village = villages[p["village"]]
        home = None if p["household"] is None else f"{village.code}-{p['household']}"
        user = create_person(
            session,
            NewPerson(
                name=p["name"],
                phone=f"139{next(_phones):08d}",
                village_id=village.id,
                household_code=home,
            ),
        )
        if p["opt_out"]:
            leaderboard.set_opt_out(session, user.id, True)
        made.append(user)
    return villages, made


def apply(session, points, made, operations):
    for op, whom, amount, at in sorted(operations, key=lambda o: o[3]):
        user = made[whom % len(made)]
        if op in ("adjust-", "reverse", "redeem", "hold"):
            # Take at most what the resident has, so that most debits go through.
            amount = min(amount, ledger.resident_account(session, user.id).available)
            if amount == 0:
                continue
        try:
            if op in ("award", "adjust+"):
                points.award(user, amount, at, kind="award" if op == "award" else "adjust")
            elif op in ("adjust-", "reverse"):
                points.deduct(user, amount, at, kind="adjust" if op == "adjust-" else "reverse")
            elif op == "redeem":
                points.redeem(user, amount, at)
            else:
                points.checkin(user, "patrol", at, amount)
        except InsufficientPoints:
            pass  # refused, nothing written: the oracle reads only what the ledger holds


def shown(rows):
    return [(r["rank"], r["display_name"], r["points"]) for r in rows]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(person, min_size=1, max_size=6),
    operations=st.lists(operation, min_size=1, max_size=14),
    now=st.sampled_from(MOMENTS),
    period=st.sampled_from(leaderboard.PERIODS),
)
def test_rankings_match_a_brute_force_count_of_the_ledger(
    session, home_town, points, people, operations, now, period
):
    villages, made = build_town(session, home_town.id, people)
    apply(session, points, made, operations)
    session.expire_all()

    def board(kind, village_id=None):
        query = leaderboard.Query(kind, period, village_id, 200, now, with_badges=False)
        return leaderboard.ranking(session, query)

    assert shown(board("residents")) == oracle.residents(session, period, now)
    for village in villages:
        assert shown(board("residents", village.id)) == oracle.residents(
            session, period, now, village.id
        )
        assert shown(board("households", village.id)) == oracle.households(
            session, period, now, village.id
        )
    assert shown(board("households")) == oracle.households(session, period, now)
    all_villages = session.scalars(select(Village.id)).all()
    assert [
        (r["rank"], r["village_id"], r["participation_rate"]) for r in board("villages")
    ] == oracle.villages(session, period, now, all_villages)
