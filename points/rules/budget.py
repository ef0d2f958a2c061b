"""The points budget (积分预算): what a village or a town issues in a Shanghai year against
its budget, what its residents hold, and what that costs the 积分超市 in yuan.

Issued is the ledger's own figure: points out of the place's issuance accounts less points
back into them (deductions, reversals), posted, in the year. Settings (points/places):
`points_budget_year` (the place's own, never inherited), `point_value_yuan` (inherited),
`refuse_awards_over_budget` (default off).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points import policy
from points.clock import day_start_utc, local_now
from points.errors import N_, DomainError, NotFound
from points.models import Account, Setting, Transfer, User, Village
from points.places import settings
from points.policy import Place

WARN_AT = Decimal("0.8")
POSTED = ("single", "post")


class OverBudget(DomainError):
    code = "over_budget"
    category = "conflict"
    template = N_("今年的积分预算（%(budget)s 分）已用完，暂停发放积分。")


@dataclass(frozen=True)
class Budget:
    year: int
    town_id: int
    village_id: int | None
    budget_points: int | None
    issued: int
    redeemed: int
    outstanding: int
    point_value_yuan: Decimal | None
    liability_yuan: Decimal | None
    forecast_issued: int
    used: float | None
    warning: bool
    over: bool
    refuse_over_budget: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _villages(session: Session, place: Place) -> list[int]:
    if place.village_id is not None:
        return [place.village_id]
    return list(session.scalars(select(Village.id).where(Village.town_id == place.town_id)))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return day_start_utc(date(year, 1, 1)), day_start_utc(date(year + 1, 1, 1))


def _net(session: Session, account_ids: list[int], start: datetime, end: datetime) -> int:
    """Points out of these accounts less points into them, posted, in [start, end)."""
    if not account_ids:
        return 0
    window = (Transfer.created_at >= start, Transfer.created_at < end, Transfer.phase.in_(POSTED))
    out = session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0)).where(
            Transfer.debit_account_id.in_(account_ids), *window
        )
    )
    back = session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0)).where(
            Transfer.credit_account_id.in_(account_ids), *window
        )
    )
    return int(out) - int(back)


def _accounts(session: Session, villages: list[int], kind: str) -> list[int]:
    return list(
        session.scalars(
            select(Account.id).where(
                Account.village_id.in_(villages), Account.kind == kind, Account.user_id.is_(None)
            )
        )
    )


def own_budget(session: Session, place: Place) -> int | None:
    """The place's own yearly budget (a village does not inherit its town's)."""
    scope = settings.scope_key(place)
    return session.scalar(
        select(Setting.value).where(Setting.scope == scope, Setting.key == "points_budget_year")
    )


def issued_in(session: Session, place: Place, year: int) -> int:
    start, end = _year_bounds(year)
    return _net(session, _accounts(session, _villages(session, place), "issuance"), start, end)


def figures(
    session: Session, place: Place, *, year: int | None = None, now: datetime | None = None
) -> Budget:
    """The budget figures of a village or a town for a year (default: this one)."""
    here = local_now(now)
    year = year or here.year
    villages = _villages(session, place)
    start, end = _year_bounds(year)
    issuance = _accounts(session, villages, "issuance")
    issued = _net(session, issuance, start, end)
    redeemed = -_net(session, _accounts(session, villages, "redeemed"), start, end)
    outstanding = (
        int(
            session.scalar(
                select(func.coalesce(func.sum(Account.balance), 0))
                .join(User, User.id == Account.user_id)
                .where(Account.kind == "resident", User.village_id.in_(villages))
            )
            or 0
        )
        if villages
        else 0
    )
    value = settings.get(session, "point_value_yuan", place.village_id, town_id=place.town_id)
    value = Decimal(str(value)) if value is not None else None
    budget = own_budget(session, place)
    if year == here.year:
        month_start = day_start_utc(date(year, here.month, 1))
        this_month = _net(session, issuance, month_start, end)
        elapsed = here.day
        days_left = (date(year, 12, 31) - here.date()).days
        forecast = issued + round(this_month / elapsed * days_left)
    else:
        forecast = issued
    used = issued / budget if budget else None
    refuse = bool(
        settings.get(session, "refuse_awards_over_budget", place.village_id, town_id=place.town_id)
    )
    return Budget(
        year=year,
        town_id=place.town_id,
        village_id=place.village_id,
        budget_points=budget,
        issued=issued,
        redeemed=redeemed,
        outstanding=outstanding,
        point_value_yuan=value,
        liability_yuan=(value * outstanding).quantize(Decimal("0.01"))
        if value is not None
        else None,
        forecast_issued=forecast,
        used=used,
        warning=bool(budget) and Decimal(issued) >= WARN_AT * budget,
        over=bool(budget) and issued >= budget,
        refuse_over_budget=refuse,
    )


def figures_for(
    session: Session,
    actor: User,
    *,
    village_id: int | None = None,
    town_id: int | None = None,
    year: int | None = None,
) -> dict:
    """The budget of a village (or a town, or the actor's own place) for the admins over it."""
    if village_id is not None:
        village = session.get(Village, village_id)
        if village is None:
            raise NotFound(what=f"村 {village_id}")
        place = Place(village.town_id, village.id)
    elif town_id is not None:
        place = Place(town_id)
    else:
        place = Place(actor.town_id, actor.village_id) if actor.town_id else Place()
    if place.town_id is None:
        raise NotFound(what="镇")
    policy.ensure_may_see_budget(actor, place)
    return figures(session, place, year=year).as_dict()


def ensure_within(
    session: Session, village_id: int, town_id: int | None, at: datetime, points: int
) -> None:
    """Refuse an award that would take the village (or its town) past its yearly budget,
    when the place's setting says so (default: awards continue past it)."""
    if not settings.get(session, "refuse_awards_over_budget", village_id, town_id=town_id):
        return
    year = local_now(at).year
    village = Place(town_id, village_id)
    for place in (village, Place(town_id)):
        budget = own_budget(session, place)
        if budget and issued_in(session, place, year) + points > budget:
            raise OverBudget(budget=budget)
