"""The leaderboard's read side (排行榜): residents, households and villages by period.

Rankings read the per-period totals kept beside every transfer (points.earned), through
the (period, [village,] points, reached_at) indexes: a top-N read costs the same with 2,000
transfers or 2,000,000. Ties share a rank (1, 1, 3) and are listed by who reached the score
first (earlier `reached_at`, then the lower id). Residents who opted out are left out of
every list, households included. Nothing is cached: every read is a few indexed queries, so
several workers never serve a stale rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session, aliased

from points.board import badges, standing
from points.clock import local_now
from points.db import write_transaction
from points.errors import N_, DomainError, InvalidInput
from points.models import EarnedTotal, Household, Participation, Role, User, Village

PERIODS = ("month", "year", "all")
KINDS = ("residents", "households", "villages")
MAX_LIMIT = 200


class UnknownVillage(DomainError):
    code = "unknown_village"
    category = "not_found"
    template = N_("没有这个村（编号 %(village_id)s）。")


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*; names are masked wherever the public can see them."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


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
    """What a reader asked for; `now` fixes "this month" (tests and reports pass it)."""

    kind: str = "residents"
    period: str = "month"
    village_id: int | None = None
    limit: int = 50
    now: datetime | None = None
    with_badges: bool = True


def ranking(session: Session, query: Query) -> list[dict]:
    """Return the ranked rows for a leaderboard query."""
    if query.kind not in KINDS:
        raise InvalidInput(detail=f"kind {query.kind!r}")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidInput(detail=f"limit 1–{MAX_LIMIT}")
    if query.village_id is not None and session.get(Village, query.village_id) is None:
        raise UnknownVillage(village_id=query.village_id)
    key = period_key(query.period, query.now)
    if query.kind == "residents":
        return residents(session, key, query.village_id, query.limit, query.with_badges)
    if query.kind == "households":
        return households(session, key, query.village_id, query.limit)
    return villages(session, key, query.village_id, query.limit)


def competition_ranks(scores: list) -> list[int]:
    """Ranks for scores already in order, equal scores sharing a rank (1, 1, 3)."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and score == scores[i - 1] else i + 1)
    return ranks


def _village_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Village.id, Village.name)).all())


def _residents_statement(in_village: bool) -> Select:
    """The resident ranking, built once: name, village and lifetime points joined in."""
    lifetime = aliased(EarnedTotal)  # the same resident's 'all' row, for the level
    statement = (
        select(
            EarnedTotal.resident_id,
            EarnedTotal.points,
            EarnedTotal.reached_at,
            EarnedTotal.village_id,
            User.name,
            Village.name.label("village_name"),
            lifetime.points.label("lifetime"),
        )
        .join(User, User.id == EarnedTotal.resident_id)
        .join(Village, Village.id == EarnedTotal.village_id)
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
    if in_village:
        statement = statement.where(EarnedTotal.village_id == bindparam("village_id"))
    return statement


_RESIDENTS_IN_TOWN = _residents_statement(False)
_RESIDENTS_IN_VILLAGE = _residents_statement(True)


def residents(
    session: Session, key: str, village_id: int | None, limit: int, with_badges: bool = True
) -> list[dict]:
    """Residents by points earned in the period (one ranking query, one for the levels)."""
    statement = _RESIDENTS_IN_VILLAGE if village_id is not None else _RESIDENTS_IN_TOWN
    params = {"key": key, "limit": limit, "village_id": village_id}
    found = session.execute(statement, params).all()
    if not found:
        return []
    levels = standing.levels_by_village(session, {row.village_id for row in found})
    earned_badges = badges.codes_for(session, [r.resident_id for r in found]) if with_badges else {}
    ranks = competition_ranks([row.points for row in found])
    rows = []
    for rank, row in zip(ranks, found, strict=True):
        shown = {
            "rank": rank,
            "display_name": mask_name(row.name),
            "points": row.points,
            "level": standing.level_for(row.lifetime or 0, levels[row.village_id]),
            "village_id": row.village_id,
            "village_name": row.village_name,
            "reached_at": row.reached_at,
        }
        if with_badges:
            shown["badges"] = [badges.as_dict(c) for c in earned_badges.get(row.resident_id, [])]
        rows.append(shown)
    return rows


def households(session: Session, key: str, village_id: int | None, limit: int) -> list[dict]:
    """Households (户) by the sum of their members' points earned in the period.

    A household reached its total when its last member's total last changed, so the tie
    break is the latest member `reached_at`.
    """
    total = func.sum(EarnedTotal.points).label("points")
    reached = func.max(EarnedTotal.reached_at).label("reached_at")
    statement = (
        select(EarnedTotal.household_id, total, reached, func.count().label("members"))
        .join(User, User.id == EarnedTotal.resident_id)
        .where(
            EarnedTotal.period == key,
            EarnedTotal.household_id.is_not(None),
            User.leaderboard_opt_out.is_(False),
        )
        .group_by(EarnedTotal.household_id)
        .having(func.sum(EarnedTotal.points) > 0)
        .order_by(total.desc(), reached.asc(), EarnedTotal.household_id)
        .limit(limit)
    )
    if village_id is not None:
        statement = statement.where(EarnedTotal.village_id == village_id)
    found = session.execute(statement).all()
    if not found:
        return []
    homes = {
        home.id: home
        for home in session.scalars(
            select(Household).where(Household.id.in_([row.household_id for row in found]))
        )
    }
    names = _village_names(session)
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
                "village_id": home.village_id,
                "village_name": names.get(home.village_id, ""),
                "members": row.members,
                "reached_at": row.reached_at,
            }
        )
    return rows


def villages(session: Session, key: str, village_id: int | None, limit: int) -> list[dict]:
    """Villages by participation: residents with a check-in in the period ÷ residents.

    Equal rates: the village whose last newcomer of the period came first ranks first.
    """
    people = dict(
        session.execute(
            select(User.village_id, func.count())
            .where(User.role == Role.RESIDENT.value)
            .group_by(User.village_id)
        ).all()
    )
    taking_part = {
        row.village_id: (row.n, row.last_at)
        for row in session.execute(
            select(
                Participation.village_id,
                func.count().label("n"),
                func.max(Participation.first_at).label("last_at"),
            )
            .join(User, User.id == Participation.resident_id)
            .where(Participation.period == key, User.role == Role.RESIDENT.value)
            .group_by(Participation.village_id)
        )
    }
    earned = dict(
        session.execute(
            select(EarnedTotal.village_id, func.sum(EarnedTotal.points))
            .where(EarnedTotal.period == key)
            .group_by(EarnedTotal.village_id)
        ).all()
    )
    rows = []
    for village in session.scalars(select(Village)):
        if village_id is not None and village.id != village_id:
            continue
        count, last_at = taking_part.get(village.id, (0, None))
        residents_here = people.get(village.id, 0)
        rate = Fraction(count, residents_here) if residents_here else Fraction(0)
        rows.append(
            {
                "display_name": village.name,
                "points": int(earned.get(village.id) or 0),
                "level": None,
                "village_id": village.id,
                "village_name": village.name,
                "participants": count,
                "residents": residents_here,
                "participation_rate": round(float(rate) * 100, 1),
                "reached_at": last_at,
                "_rate": rate,
            }
        )
    far_future = datetime.max
    rows.sort(key=lambda r: (-r["_rate"], r["reached_at"] or far_future, r["village_id"]))
    rows = rows[:limit]
    for row, rank in zip(rows, competition_ranks([r["_rate"] for r in rows]), strict=True):
        row["rank"] = rank
        del row["_rate"]
    return rows


def place_of(
    session: Session, resident_id: int, period: str = "month", *, now: datetime | None = None
) -> dict | None:
    """A resident's own place in their village and the town, or None if not on the board."""
    key = period_key(period, now)
    mine = session.execute(
        select(EarnedTotal.points, EarnedTotal.village_id).where(
            EarnedTotal.period == key, EarnedTotal.resident_id == resident_id
        )
    ).first()
    if mine is None or mine.points <= 0:
        return None

    def ahead(village_id: int | None) -> int:
        statement = (
            select(func.count())
            .select_from(EarnedTotal)
            .join(User, User.id == EarnedTotal.resident_id)
            .where(
                EarnedTotal.period == key,
                EarnedTotal.points > mine.points,
                User.leaderboard_opt_out.is_(False),
            )
        )
        if village_id is not None:
            statement = statement.where(EarnedTotal.village_id == village_id)
        return session.scalar(statement) or 0

    return {
        "points": mine.points,
        "village_rank": ahead(mine.village_id) + 1,
        "town_rank": ahead(None) + 1,
    }


def set_opt_out(session: Session, user_id: int, opt_out: bool) -> None:
    """Leave a resident off the public leaderboard (or bring them back)."""
    with write_transaction(session):
        session.execute(
            update(User).where(User.id == user_id).values(leaderboard_opt_out=bool(opt_out)),
            execution_options={"synchronize_session": "fetch"},
        )
