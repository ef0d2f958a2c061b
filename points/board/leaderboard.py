"""The leaderboard's read side (排行榜): residents, households and villages by period.

A board is drawn over the city, a town, a village or a grid (points.board.scopes). Rankings
read the per-period totals kept beside every transfer (points.earned), each scope through
its own (period, [place,] points, reached_at) index, with one ranking statement per scope
built once: a top-N read costs the same with 2,000 transfers or 2,000,000. Ties share a rank
(1, 1, 3) and are listed by who reached the score first (earlier `reached_at`, then the
lower id). Residents who opted out are left out of every list, households included.
Nothing is cached: every read is a few indexed queries, so several workers never serve a
stale rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session, aliased

from points.board import badges, participation, standing
from points.board.ranks import competition_ranks
from points.board.scopes import SCOPES, Board, board_for
from points.clock import local_now
from points.db import write_transaction
from points.errors import InvalidInput
from points.models import EarnedTotal, Grid, Household, Town, User, Village
from points.posting import mask_name, shown_on_board

PERIODS = ("month", "year", "all")
KINDS = ("residents", "households", "villages")
MAX_LIMIT = 200


def period_key(period: str, now: datetime | None = None) -> str:
    """The stored key of 'month', 'year' or 'all' at a UTC moment, in Shanghai time."""
    if period not in PERIODS:
        raise InvalidInput(detail=f"period {period!r}")
    if period == "all":
        return "all"
    local = local_now(now)
    return f"y{local.year}" if period == "year" else f"m{local.year}-{local.month:02d}"


@dataclass
class Query:
    """What a reader asked for; `now` fixes "this month" (tests and reports pass it).

    `scope` is grid, village, town or city; left out, the narrowest place named decides.
    """

    kind: str = "residents"
    period: str = "month"
    village_id: int | None = None
    limit: int = 50
    now: datetime | None = None
    with_badges: bool = True
    scope: str | None = None
    town_id: int | None = None
    grid_id: int | None = None


def ranking(session: Session, query: Query) -> list[dict]:
    """Return the ranked rows for a leaderboard query."""
    if query.kind not in KINDS:
        raise InvalidInput(detail=f"kind {query.kind!r}")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidInput(detail=f"limit 1–{MAX_LIMIT}")
    key = period_key(query.period, query.now)
    board = board_for(
        session,
        query.scope,
        town_id=query.town_id,
        village_id=query.village_id,
        grid_id=query.grid_id,
    )
    return rank_board(
        session, board, query.kind, key, query.limit, query.with_badges, now=query.now
    )


def rank_board(
    session: Session,
    board: Board,
    kind: str,
    key: str,
    limit: int,
    with_badges: bool = True,
    *,
    now: datetime | None = None,
) -> list[dict]:
    """The rows of one kind on a resolved board, for a stored period key (entries past
    their posting period or taken down on appeal left out: points.posting)."""
    if kind == "residents":
        return residents(session, key, board, limit, with_badges, now=now)
    if kind == "households":
        return households(session, key, board, limit, now=now)
    return participation.villages(session, key, board, limit)


# Each scope filters on its own column, so each walks its own index.
PLACE_COLUMNS = {
    "town": EarnedTotal.town_id,
    "village": EarnedTotal.village_id,
    "grid": EarnedTotal.grid_id,
}


def _in_scope(statement: Select, scope: str) -> Select:
    if scope == "city":
        return statement
    return statement.where(PLACE_COLUMNS[scope] == bindparam("place"))


def _residents_statement(scope: str) -> Select:
    """A scope's resident ranking, built once: the name and lifetime points joined in.

    The places' names are read afterwards for the rows found: joined in here, they let
    SQLite start a town's ranking from the towns and villages and sort the whole town.
    """
    lifetime = aliased(EarnedTotal)  # the same resident's 'all' row, for the level
    statement = (
        select(
            EarnedTotal.resident_id,
            EarnedTotal.points,
            EarnedTotal.reached_at,
            EarnedTotal.town_id,
            EarnedTotal.village_id,
            EarnedTotal.grid_id,
            User.name,
            lifetime.points.label("lifetime"),
        )
        .join(User, User.id == EarnedTotal.resident_id)
        .outerjoin(
            lifetime,
            (lifetime.resident_id == EarnedTotal.resident_id) & (lifetime.period == "all"),
        )
        .where(
            EarnedTotal.period == bindparam("key"),
            EarnedTotal.points > 0,
            User.leaderboard_opt_out.is_(False),
        )
        .order_by(EarnedTotal.points.desc(), EarnedTotal.reached_at.asc(), EarnedTotal.resident_id)
        .limit(bindparam("limit"))
    )
    return _in_scope(statement, scope)


_RESIDENTS = {scope: _residents_statement(scope) for scope in SCOPES}
_VILLAGE_NAMES = (
    select(Village.id, Village.name, Town.name.label("town_name"))
    .join(Town, Town.id == Village.town_id)
    .where(Village.id.in_(bindparam("ids", expanding=True)))
)
_GRID_NAMES = select(Grid.id, Grid.name).where(Grid.id.in_(bindparam("ids", expanding=True)))


def residents(
    session: Session,
    key: str,
    board: Board,
    limit: int,
    with_badges: bool = True,
    *,
    now: datetime | None = None,
) -> list[dict]:
    """Residents by points earned in the period (one ranking query; the places' names and
    the levels read for the rows found)."""
    params = {"key": key, "limit": limit, "place": board.place_id}
    found = shown_on_board(session, session.execute(_RESIDENTS[board.scope], params).all(), now)
    if not found:
        return []
    village_ids = {row.village_id for row in found}
    villages = {v.id: v for v in session.execute(_VILLAGE_NAMES, {"ids": list(village_ids)})}
    grid_ids = [row.grid_id for row in found if row.grid_id is not None]
    grids = dict(session.execute(_GRID_NAMES, {"ids": grid_ids}).all()) if grid_ids else {}
    levels = standing.levels_by_village(session, village_ids)
    earned_badges = badges.codes_for(session, [r.resident_id for r in found]) if with_badges else {}
    ranks = competition_ranks([row.points for row in found])
    rows = []
    for rank, row in zip(ranks, found, strict=True):
        village = villages[row.village_id]
        shown = {
            "rank": rank,
            "display_name": mask_name(row.name),
            "points": row.points,
            "level": standing.level_for(row.lifetime or 0, levels[row.village_id]),
            "town_id": row.town_id,
            "town_name": village.town_name,
            "village_id": row.village_id,
            "village_name": village.name,
            "grid_id": row.grid_id,
            "grid_name": grids.get(row.grid_id),
            "reached_at": row.reached_at,
        }
        if with_badges:
            shown["badges"] = [badges.as_dict(c) for c in earned_badges.get(row.resident_id, [])]
        rows.append(shown)
    return rows


# Those who left the board: a handful, read from their own partial index. Leaving them out
# by this set (not by joining every ranked row to its user) keeps a town's household board
# from hashing the whole city's users.
_OPTED_OUT = select(User.id).where(User.leaderboard_opt_out)  # as the index says it


def _households_statement(scope: str) -> Select:
    """A scope's household ranking, built once.

    A household reached its total when its last member's total last changed, so the tie
    break is the latest member `reached_at`.
    """
    total = func.sum(EarnedTotal.points).label("points")
    reached = func.max(EarnedTotal.reached_at).label("reached_at")
    statement = (
        select(EarnedTotal.household_id, total, reached, func.count().label("members"))
        .where(
            EarnedTotal.period == bindparam("key"),
            EarnedTotal.household_id.is_not(None),
            EarnedTotal.resident_id.not_in(_OPTED_OUT),
        )
        .group_by(EarnedTotal.household_id)
        .having(func.sum(EarnedTotal.points) > 0)
        .order_by(total.desc(), reached.asc(), EarnedTotal.household_id)
        .limit(bindparam("limit"))
    )
    return _in_scope(statement, scope)


_HOUSEHOLDS = {scope: _households_statement(scope) for scope in SCOPES}
_HOMES = (
    select(
        Household.id,
        Household.code,
        Household.village_id,
        Village.name.label("village_name"),
        Village.town_id,
        Town.name.label("town_name"),
    )
    .join(Village, Village.id == Household.village_id)
    .join(Town, Town.id == Village.town_id)
    .where(Household.id.in_(bindparam("ids", expanding=True)))
)


def households(
    session: Session, key: str, board: Board, limit: int, *, now: datetime | None = None
) -> list[dict]:
    """Households (户) by the sum of their members' points earned in the period, counting
    the members who live in the board's place."""
    params = {"key": key, "limit": limit, "place": board.place_id}
    found = session.execute(_HOUSEHOLDS[board.scope], params).all()
    if not found:
        return []
    homes = {
        home.id: home
        for home in session.execute(_HOMES, {"ids": [row.household_id for row in found]})
    }
    ranks = competition_ranks([row.points for row in found])
    rows = []
    for rank, row in zip(ranks, found, strict=True):
        home = homes[row.household_id]
        rows.append(
            {
                "rank": rank,
                "display_name": home.code,
                "points": int(row.points),
                "level": None,
                "household_id": home.id,
                "town_id": home.town_id,
                "town_name": home.town_name,
                "village_id": home.village_id,
                "village_name": home.village_name,
                "members": row.members,
                "reached_at": row.reached_at,
            }
        )
    return rows


_MINE = select(
    EarnedTotal.points, EarnedTotal.town_id, EarnedTotal.village_id, EarnedTotal.grid_id
).where(EarnedTotal.period == bindparam("key"), EarnedTotal.resident_id == bindparam("resident"))
# Everyone listed ahead of a score, counted for each place holding the resident at once.
_AHEAD = (
    select(
        func.count().filter(EarnedTotal.grid_id == bindparam("grid")).label("grid"),
        func.count().filter(EarnedTotal.village_id == bindparam("village")).label("village"),
        func.count().filter(EarnedTotal.town_id == bindparam("town")).label("town"),
        func.count().label("city"),
    )
    .select_from(EarnedTotal)
    .join(User, User.id == EarnedTotal.resident_id)
    .where(
        EarnedTotal.period == bindparam("key"),
        EarnedTotal.points > bindparam("points"),
        User.leaderboard_opt_out.is_(False),
    )
)


def place_of(
    session: Session, resident_id: int, period: str = "month", *, now: datetime | None = None
) -> dict | None:
    """A resident's own place in their grid, village, town and the city, or None if they
    earned nothing in the period. A resident without a grid has no grid rank."""
    key = period_key(period, now)
    mine = session.execute(_MINE, {"key": key, "resident": resident_id}).first()
    if mine is None or mine.points <= 0:
        return None
    ahead = session.execute(
        _AHEAD,
        {
            "key": key,
            "points": mine.points,
            "grid": mine.grid_id,
            "village": mine.village_id,
            "town": mine.town_id,
        },
    ).one()
    return {
        "points": mine.points,
        "grid_id": mine.grid_id,
        "grid_rank": ahead.grid + 1 if mine.grid_id is not None else None,
        "village_id": mine.village_id,
        "village_rank": ahead.village + 1,
        "town_id": mine.town_id,
        "town_rank": ahead.town + 1,
        "city_rank": ahead.city + 1,
    }


def set_opt_out(session: Session, user_id: int, opt_out: bool) -> None:
    """Leave a resident off the public leaderboard (or bring them back)."""
    with write_transaction(session):
        session.execute(
            update(User).where(User.id == user_id).values(leaderboard_opt_out=bool(opt_out)),
            execution_options={"synchronize_session": "fetch"},
        )
