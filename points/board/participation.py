"""Villages ranked by participation, within their town and across the city.

The rate is the residents with a check-in in the period ÷ the village's residents (role
resident). Equal rates: the village whose last newcomer of the period came first ranks
first, then the lower id. Every village row also carries its rank within its own town, so
the city's list shows both.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import NamedTuple

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from points.board.ranks import competition_ranks
from points.board.scopes import Board
from points.errors import N_, DomainError
from points.models import EarnedTotal, Participation, Role, Town, User, Village
from points.models.people import ROLES


class VillagesScope(DomainError):
    code = "villages_scope"
    template = N_("村按参与率排名，只能看一个镇内或全市（scope=town 或 scope=city）。")


class _Statements(NamedTuple):
    people: Select
    taking_part: Select
    earned: Select
    villages: Select


def _statements(in_town: bool) -> _Statements:
    """The four grouped reads of a village ranking, built once (for a town, or the city)."""
    people = (
        select(User.village_id, func.count().label("n"))
        .where(User.role == Role.RESIDENT.value)
        .group_by(User.village_id)
    )
    taking_part = (
        select(
            Participation.village_id,
            func.count().label("n"),
            func.max(Participation.first_at).label("last_at"),
        )
        .where(
            Participation.period == bindparam("key"),
            # the few who are not residents, from the role index (not a join to every user)
            Participation.resident_id.not_in(
                select(User.id).where(User.role.in_([r for r in ROLES if r != Role.RESIDENT]))
            ),
        )
        .group_by(Participation.village_id)
    )
    earned = (
        select(EarnedTotal.village_id, func.sum(EarnedTotal.points).label("points"))
        .where(EarnedTotal.period == bindparam("key"))
        .group_by(EarnedTotal.village_id)
    )
    villages = select(Village.id, Village.name, Village.town_id, Town.name.label("town_name")).join(
        Town, Town.id == Village.town_id
    )
    if in_town:
        town = bindparam("town")
        # by village, so that the count is read from the (role, village, active) index
        people = people.where(
            User.village_id.in_(select(Village.id).where(Village.town_id == town))
        )
        taking_part = taking_part.where(Participation.town_id == town)
        earned = earned.where(EarnedTotal.town_id == town)
        villages = villages.where(Village.town_id == town)
    return _Statements(people, taking_part, earned, villages)


_IN_TOWN = _statements(True)
_IN_CITY = _statements(False)
_LAST = datetime.max  # a village nobody took part in yet reached its rate last


def villages(session: Session, key: str, board: Board, limit: int) -> list[dict]:
    """Villages by participation on a town's or the city's board.

    A village board gives that village's row, with its rank within its town.
    """
    if board.scope == "grid":
        raise VillagesScope()
    in_town = board.scope != "city"
    statements = _IN_TOWN if in_town else _IN_CITY
    params = {"key": key, "town": board.town_id}
    people = {row.village_id: row.n for row in session.execute(statements.people, params)}
    taking_part = {
        row.village_id: (row.n, row.last_at)
        for row in session.execute(statements.taking_part, params)
    }
    earned = {row.village_id: row.points for row in session.execute(statements.earned, params)}
    rows = []
    for village in session.execute(statements.villages, params):
        count, last_at = taking_part.get(village.id, (0, None))
        residents_here = people.get(village.id, 0)
        rate = Fraction(count, residents_here) if residents_here else Fraction(0)
        rows.append(
            {
                "display_name": village.name,
                "points": int(earned.get(village.id) or 0),
                "level": None,
                "town_id": village.town_id,
                "town_name": village.town_name,
                "village_id": village.id,
                "village_name": village.name,
                "participants": count,
                "residents": residents_here,
                "participation_rate": round(float(rate) * 100, 1),
                "reached_at": last_at,
                "_rate": rate,
            }
        )
    rows.sort(key=lambda r: (-r["_rate"], r["reached_at"] or _LAST, r["village_id"]))
    _rank(rows, "rank")
    by_town: dict[int, list[dict]] = {}
    for row in rows:
        by_town.setdefault(row["town_id"], []).append(row)
    for own in by_town.values():
        _rank(own, "town_rank")
    if board.scope == "village":
        rows = [row for row in rows if row["village_id"] == board.village_id]
    rows = rows[:limit]
    for row in rows:
        del row["_rate"]
    return rows


def _rank(rows: list[dict], field: str) -> None:
    for row, rank in zip(rows, competition_ranks([r["_rate"] for r in rows]), strict=True):
        row[field] = rank
