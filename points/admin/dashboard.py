"""The committee's numbers: events, check-ins, participation, points, redemptions, stock.

Month and year are Asia/Shanghai calendar periods; a place is a village, a town or the city.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from points import policy
from points.admin import flows
from points.clock import local_now, month_start_utc, shift_month
from points.models import (
    Checkin,
    EarnedTotal,
    Event,
    Redemption,
    Reward,
    Role,
    Town,
    User,
    Village,
    utcnow,
)
from points.places import in_place
from points.policy import Place

LOW_STOCK = 5
POSTED = ("single", "post")


@dataclass
class PeriodNumbers:
    events: int
    checkins: int
    participants: int
    participation_rate: float  # participants / active residents
    issued: int
    redeemed: int


@dataclass
class MonthPoint:
    label: str  # "2026-11"
    checkins: int
    participants: int
    issued: int
    redeemed: int


@dataclass
class Dashboard:
    place: Place
    residents: int
    month: PeriodNumbers
    year: PeriodNumbers
    outstanding: int
    pending_redemptions: int
    low_stock: list[dict]
    series: list[MonthPoint]
    top_villages: list[dict]


def active_residents(session: Session, place: Place) -> int:
    """Counted from the (role, village, active) index alone."""
    query = select(func.count()).where(
        User.role == Role.RESIDENT.value, User.active.is_(True), in_place(User.village_id, place)
    )
    return int(session.scalar(query) or 0)


def _events_held(session: Session, place: Place, start, end) -> int:
    query = select(func.count(Event.id)).where(
        Event.status.in_(("published", "closed")),
        Event.starts_at >= start,
        Event.starts_at < end,
    )
    if place.village_id is not None:
        query = query.where(Event.village_id == place.village_id)
    elif place.town_id is not None:
        query = query.where(Event.town_id == place.town_id)  # town-wide events too
    return int(session.scalar(query) or 0)


def _checkins(session: Session, place: Place, start, end) -> tuple[int, int]:
    query = select(func.count(Checkin.id), func.count(func.distinct(Checkin.resident_id))).where(
        Checkin.created_at >= start, Checkin.created_at < end, in_place(Checkin.village_id, place)
    )
    count, people = session.execute(query).one()
    return int(count or 0), int(people or 0)


def period_numbers(
    session: Session, place: Place, start, end, residents: int, moved: tuple[int, int]
):
    """A month's or a year's numbers; `moved` is (issued, redeemed) from the rollup."""
    checkins, people = _checkins(session, place, start, end)
    return PeriodNumbers(
        events=_events_held(session, place, start, min(end, utcnow())),
        checkins=checkins,
        participants=people,
        participation_rate=round(people / residents, 4) if residents else 0.0,
        issued=moved[0],
        redeemed=moved[1],
    )


def build(
    session: Session, place: Place, *, months: int = 12, now: datetime | None = None
) -> Dashboard:
    """Every number and series the dashboard shows, for a village, a town or the city."""
    here = local_now(now)
    residents = active_residents(session, place)
    this_month = month_start_utc(here.year, here.month)
    next_month = month_start_utc(*shift_month(here.year, here.month, 1))
    this_year, next_year = month_start_utc(here.year, 1), month_start_utc(here.year + 1, 1)
    pending = select(func.count(Redemption.id)).where(Redemption.status == "pending")
    low = (
        select(Reward, Village.name)
        .outerjoin(Village, Village.id == Reward.village_id)
        .where(Reward.active.is_(True), Reward.stock.is_not(None), Reward.stock <= LOW_STOCK)
    )
    if place.village_id is not None:
        low = low.where(
            (Reward.village_id == place.village_id)
            | (Reward.village_id.is_(None) & (Reward.town_id == place.town_id))
        )
    elif place.town_id is not None:
        low = low.where(Reward.town_id == place.town_id)
    flows.catch_up(session)
    first_year, first_month = shift_month(here.year, here.month, -(months - 1))
    first = month_start_utc(first_year, first_month)
    moved = flows.by_month(
        session, place, f"{first_year}-{first_month:02d}", f"{here.year}-{here.month:02d}"
    )
    taking_part = _checkins_by_month(session, place, first, next_month)
    series = []
    for back in range(months - 1, -1, -1):
        year, month = shift_month(here.year, here.month, -back)
        label = f"{year}-{month:02d}"
        checkins, people = taking_part.get(label, (0, 0))
        issued, redeemed = moved.get(label, (0, 0))
        series.append(MonthPoint(label, checkins, people, issued, redeemed))
    this_year_moved = [v for k, v in moved.items() if k.startswith(f"{here.year}-")]
    if here.month > months:  # the series doesn't reach back to January
        this_year_moved = list(
            flows.by_month(session, place, f"{here.year}-01", f"{here.year}-12").values()
        )
    month_moved = moved.get(f"{here.year}-{here.month:02d}", (0, 0))
    year_moved = (sum(i for i, _ in this_year_moved), sum(r for _, r in this_year_moved))
    return Dashboard(
        place=place,
        residents=residents,
        month=period_numbers(session, place, this_month, next_month, residents, month_moved),
        year=period_numbers(session, place, this_year, next_year, residents, year_moved),
        outstanding=flows.held_by_residents(session, place),
        pending_redemptions=int(
            session.scalar(pending.where(in_place(Redemption.village_id, place))) or 0
        ),
        low_stock=[
            {"id": r.id, "name": r.name, "stock": r.stock, "village": village_name}
            for r, village_name in session.execute(low.order_by(Reward.stock, Reward.id).limit(20))
        ],
        series=series,
        top_villages=village_ranking(session, here, place) if place.village_id is None else [],
    )


def _checkins_by_month(session: Session, place: Place, start, end) -> dict[str, tuple[int, int]]:
    """{local month: (check-ins, distinct residents)} between two UTC times, in one query."""
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(Checkin.created_at + text("interval '8 hours'"), "YYYY-MM")
    else:
        month = func.strftime("%Y-%m", Checkin.created_at, "+8 hours")
    rows = session.execute(
        select(month, func.count(Checkin.id), func.count(func.distinct(Checkin.resident_id)))
        .where(
            Checkin.created_at >= start,
            Checkin.created_at < end,
            in_place(Checkin.village_id, place),
        )
        .group_by(month)
    )
    return {label: (int(count), int(people)) for label, count, people in rows}


def for_reader(session: Session, reader: User, place: Place, **options) -> Dashboard:
    """The dashboard of a place, for those who may see it (grid workers: their village's)."""
    policy.ensure_may_see_dashboard(reader, place)
    return build(session, place, **options)


def village_ranking(session: Session, here: datetime, place: Place) -> list[dict]:
    """This month's points earned per village of a town or the city (the admins' comparison)."""
    period = f"m{here.year}-{here.month:02d}"
    rows = session.execute(
        select(
            Village.id,
            Village.name,
            func.coalesce(func.sum(EarnedTotal.points), 0),
            func.count(EarnedTotal.points),  # read from the index, like the sum
        )
        .outerjoin(
            EarnedTotal, (EarnedTotal.village_id == Village.id) & (EarnedTotal.period == period)
        )
        .where(in_place(Village.id, place))
        .group_by(Village.id, Village.name)
        .order_by(Village.id)
    )
    return [{"id": i, "name": n, "points": int(p), "people": int(c)} for i, n, p, c in rows]


@dataclass
class TownFigures:
    town_id: int
    name: str
    points_name: str
    residents: int
    participants: int  # residents with a check-in this year
    events: int  # held this year
    checkins: int  # this year
    issued: int  # all time, net of deductions and reversals
    redeemed: int  # all time
    outstanding: int  # residents' balances now


def town_rollup(session: Session, *, now: datetime | None = None) -> list[TownFigures]:
    """The city's view: each town's people, events, check-ins and points, side by side."""
    here = local_now(now)
    this_year, next_year = month_start_utc(here.year, 1), month_start_utc(here.year + 1, 1)
    flows.catch_up(session)
    figures = []
    for town in session.scalars(select(Town).order_by(Town.code)):
        place = Place(town.id)
        residents = active_residents(session, place)
        ever = flows.by_month(session, place, "0000-00", "9999-99").values()
        year = period_numbers(session, place, this_year, next_year, residents, (0, 0))
        figures.append(
            TownFigures(
                town_id=town.id,
                name=town.name,
                points_name=town.points_name,
                residents=residents,
                participants=year.participants,
                events=year.events,
                checkins=year.checkins,
                issued=sum(issued for issued, _ in ever),
                redeemed=sum(redeemed for _, redeemed in ever),
                outstanding=flows.held_by_residents(session, place),
            )
        )
    return figures


def rollup_for(session: Session, reader: User, **options) -> list[TownFigures]:
    """Each town's figures side by side, for the city admin."""
    policy.ensure_may_compare_towns(reader)
    return town_rollup(session, **options)
