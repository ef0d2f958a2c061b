"""The public ledger (账本公示): issued, redeemed and outstanding points per village, the
villages grouped by their town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points import ledger
from points.clock import local_now
from points.models import Account, Participation, Role, Town, User, Village
from points.models.places import DEFAULT_POINTS_NAME


@dataclass
class VillageFigures:
    village_id: int
    name: str
    town_id: int
    issued: int  # points that left the village's issuance account, net of reversals
    redeemed: int  # points that reached the village's redeemed sink
    outstanding: int  # residents' balances now
    held: int  # residents' points held by pending redemptions


def village_figures(session: Session) -> list[VillageFigures]:
    """Per village, from the account counters (one grouped read of the accounts)."""
    sums: dict[tuple[int | None, str], tuple[int, int, int]] = {
        (row.village_id, row.kind): (row.debits, row.credits, row.held)
        for row in session.execute(
            select(
                Account.village_id,
                Account.kind,
                func.sum(Account.debits_posted).label("debits"),
                func.sum(Account.credits_posted).label("credits"),
                func.sum(Account.debits_pending).label("held"),
            ).group_by(Account.village_id, Account.kind)
        )
    }
    figures = []
    for village in session.scalars(select(Village).order_by(Village.id)):
        issuance = sums.get((village.id, "issuance"), (0, 0, 0))
        sink = sums.get((village.id, "redeemed"), (0, 0, 0))
        people = sums.get((village.id, "resident"), (0, 0, 0))
        figures.append(
            VillageFigures(
                village_id=village.id,
                name=village.name,
                town_id=village.town_id,
                issued=int(issuance[0] or 0) - int(issuance[1] or 0),
                redeemed=int(sink[1] or 0) - int(sink[0] or 0),
                outstanding=int(people[1] or 0) - int(people[0] or 0),
                held=int(people[2] or 0),
            )
        )
    return figures


def recent_months(count: int, now: datetime | None = None) -> list[str]:
    """The last `count` Shanghai months as period keys, oldest first ('m2026-11')."""
    local = local_now(now)
    index = local.year * 12 + local.month - 1
    return [f"m{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def monthly_participation(
    session: Session, months: int = 6, now: datetime | None = None
) -> tuple[list[str], list[dict]]:
    """Per village, the share of residents who checked in, for each of the last months."""
    keys = recent_months(months, now)
    counts = {
        (row.village_id, row.period): row.n
        for row in session.execute(
            select(Participation.village_id, Participation.period, func.count().label("n"))
            .join(User, User.id == Participation.resident_id)
            .where(Participation.period.in_(keys), User.role == Role.RESIDENT.value)
            .group_by(Participation.village_id, Participation.period)
        )
    }
    people = dict(
        session.execute(
            select(User.village_id, func.count())
            .where(User.role == Role.RESIDENT.value)
            .group_by(User.village_id)
        ).all()
    )
    series = []
    for village in session.scalars(select(Village).order_by(Village.id)):
        total = people.get(village.id, 0)
        points = []
        for key in keys:
            n = counts.get((village.id, key), 0)
            points.append({"month": key, "count": n, "rate": n / total if total else 0.0})
        series.append(
            {
                "village_id": village.id,
                "town_id": village.town_id,
                "name": village.name,
                "residents": total,
                "months": points,
            }
        )
    return keys, series


def _totals(figures: list[VillageFigures]) -> dict:
    return {
        "issued": sum(f.issued for f in figures),
        "redeemed": sum(f.redeemed for f in figures),
        "outstanding": sum(f.outstanding for f in figures),
    }


def overview(session: Session, now: datetime | None = None) -> dict:
    """Everything the public ledger page shows: the city's totals, then each town's villages."""
    count, head_hash = ledger.head(session)
    figures = village_figures(session)
    keys, series = monthly_participation(session, 6, now)
    towns = [
        {
            "town_id": town.id,
            "name": town.name,
            "points_name": town.points_name if town.points_name != DEFAULT_POINTS_NAME else None,
            "villages": [f for f in figures if f.town_id == town.id],
            "participation": [s for s in series if s["town_id"] == town.id],
        }
        for town in session.scalars(select(Town).order_by(Town.code))
    ]
    for town in towns:
        town["totals"] = _totals(town["villages"])
    return {
        "transfers": count,
        "head_hash": head_hash,
        "villages": figures,
        "totals": _totals(figures),
        "towns": towns,
        "months": keys,
        "participation": series,
    }
