"""Do the rankings equal a brute-force count over the ledger, whatever happened, on every
board: the city, each town, village and grid?"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
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
from points.places import create_grid, create_town, create_village

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
        "town": st.integers(0, 1),
        "village": st.integers(0, 1),
        "grid": st.one_of(st.none(), st.integers(0, 1)),
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


@dataclass
class Tree:
    """Two towns of two villages, each village with two grids, and the people living there."""

    towns: list
    villages: list  # per town, its two villages
    grids: list  # per village (in the order of `villages`, flattened), its two grids
    people: list


def build_city(session, people) -> Tree:
    """Two new towns of the city (each example adds its own) and the people in them."""
    towns, villages, grids = [], [], []
    for _ in range(2):
        code = f"T{next(_codes)}"
        town = create_town(session, name=f"镇{code}", code=code)
        towns.append(town)
        own = []
        for _ in range(2):
            code = f"V{next(_codes)}"
            village = create_village(session, town_id=town.id, name=f"村{code}", code=code)
            own.append(village)
            grids.append(
                [
                    create_grid(session, village_id=village.id, name=f"网格{n}", code=f"G{n}")
                    for n in range(2)
                ]
            )
        villages.append(own)
    made = []
    for p in people:
        village = villages[p["town"]][p["village"]]
        grid = None if p["grid"] is None else grids[p["town"] * 2 + p["village"]][p["grid"]]
        home = None if p["household"] is None else f"{village.code}-{p['household']}"
        user = create_person(
            session,
            NewPerson(
                name=p["name"],
                phone=f"139{next(_phones):08d}",
                village_id=village.id,
                household_code=home,
                grid_id=grid.id if grid else None,
            ),
        )
        if p["opt_out"]:
            leaderboard.set_opt_out(session, user.id, True)
        made.append(user)
    return Tree(towns, villages, grids, made)


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
def test_rankings_match_a_brute_force_count_of_the_ledger_in_every_scope(
    session, city, points, people, operations, now, period
):
    tree = build_city(session, people)
    apply(session, points, tree.people, operations)
    session.expire_all()

    def board(kind, scope="city", place_id=None):
        named = {f"{scope}_id": place_id} if place_id is not None else {}
        query = leaderboard.Query(
            kind, period, limit=200, now=now, with_badges=False, scope=scope, **named
        )
        return leaderboard.ranking(session, query)

    places = [("city", None)]
    places += [("town", town.id) for town in tree.towns]
    places += [("village", v.id) for own in tree.villages for v in own]
    places += [("grid", g.id) for own in tree.grids for g in own]
    for scope, place_id in places:
        assert shown(board("residents", scope, place_id)) == oracle.residents(
            session, period, now, scope, place_id
        ), (scope, place_id)
        assert shown(board("households", scope, place_id)) == oracle.households(
            session, period, now, scope, place_id
        ), (scope, place_id)

    def village_ranks(rows, rank="rank"):
        return [(r[rank], r["village_id"], r["participation_rate"]) for r in rows]

    for town, own in zip(tree.towns, tree.villages, strict=True):
        in_town = oracle.villages(session, period, now, [v.id for v in own])
        assert village_ranks(board("villages", "town", town.id)) == in_town
    across = board("villages")
    assert village_ranks(across) == oracle.villages(
        session, period, now, session.scalars(select(Village.id)).all()
    )
    for town in tree.towns:  # the city's list also says where each stands within its town
        in_city = [r for r in across if r["town_id"] == town.id]
        ids = [r["village_id"] for r in in_city]
        assert village_ranks(in_city, "town_rank") == oracle.villages(session, period, now, ids)

    for user in tree.people:  # a resident's own place: their rank on each board holding them
        place = leaderboard.place_of(session, user.id, period, now=now)
        listed = {
            scope: {
                uid: rank
                for rank, uid, _ in oracle.ranked_residents(session, period, now, scope, place_id)
            }
            for scope, place_id in boards_holding(user)
        }
        if user.id not in listed["city"]:
            assert place is None or user.leaderboard_opt_out
            continue
        for scope, ranked in listed.items():
            assert place[f"{scope}_rank"] == ranked[user.id], scope
        assert (place["grid_rank"] is None) == (user.grid_id is None)


def boards_holding(user):
    """(scope, place id) of every board a resident appears on."""
    yield "city", None
    for scope in ("town", "village", "grid"):
        if getattr(user, f"{scope}_id") is not None:
            yield scope, getattr(user, f"{scope}_id")
