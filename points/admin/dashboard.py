"""The committee's numbers: events, check-ins, participation, points, redemptions, stock.

Month and year are Asia/Shanghai calendar periods; "village_id None" means the whole town.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from points.clock import local_now, month_start_utc, shift_month
from points.models import (
    Account,
    Checkin,
    EarnedTotal,
    Event,
    Redemption,
    Reward,
    Role,
    Transfer,
    User,
    Village,
    utcnow,
)

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
    village_id: int | None
    residents: int
    month: PeriodNumbers
    year: PeriodNumbers
    outstanding: int
    pending_redemptions: int
    low_stock: list[dict]
    series: list[MonthPoint]
    top_villages: list[dict]


def _in_village(query, column, village_id: int | None):
    return query if village_id is None else query.where(column == village_id)


def active_residents(session: Session, village_id: int | None) -> int:
    query = select(func.count(User.id)).where(
        User.role == Role.RESIDENT.value, User.active.is_(True)
    )
    return int(session.scalar(_in_village(query, User.village_id, village_id)) or 0)


def _events_held(session: Session, village_id, start, end) -> int:
    query = select(func.count(Event.id)).where(
        Event.status.in_(("published", "closed")),
        Event.starts_at >= start,
        Event.starts_at < end,
    )
    return int(session.scalar(_in_village(query, Event.village_id, village_id)) or 0)


def _checkins(session: Session, village_id, start, end) -> tuple[int, int]:
    query = select(func.count(Checkin.id), func.count(func.distinct(Checkin.resident_id))).where(
        Checkin.created_at >= start, Checkin.created_at < end
    )
    count, people = session.execute(_in_village(query, Checkin.village_id, village_id)).one()
    return int(count or 0), int(people or 0)


def _flow(session: Session, village_id, start, end, *, source: str) -> int:
    """Points moved out of issuance (source 'issuance') or into the redeemed sink."""
    account = aliased(Account)
    column = Transfer.debit_account_id if source == "issuance" else Transfer.credit_account_id
    query = (
        select(func.coalesce(func.sum(Transfer.amount), 0))
        .join(account, and_(account.id == column, account.kind == source))
        .where(
            Transfer.phase.in_(POSTED),
            Transfer.created_at >= start,
            Transfer.created_at < end,
        )
    )
    moved = int(session.scalar(_in_village(query, account.village_id, village_id)) or 0)
    if source != "issuance":
        return moved
    # Deductions and reversals flow back into issuance: issued is the net.
    back = (
        select(func.coalesce(func.sum(Transfer.amount), 0))
        .join(account, and_(account.id == Transfer.credit_account_id, account.kind == source))
        .where(
            Transfer.phase.in_(POSTED),
            Transfer.created_at >= start,
            Transfer.created_at < end,
        )
    )
    return moved - int(session.scalar(_in_village(back, account.village_id, village_id)) or 0)


def period_numbers(session: Session, village_id: int | None, start, end, residents: int):
    checkins, people = _checkins(session, village_id, start, end)
    return PeriodNumbers(
        events=_events_held(session, village_id, start, min(end, utcnow())),
        checkins=checkins,
        participants=people,
        participation_rate=round(people / residents, 4) if residents else 0.0,
        issued=_flow(session, village_id, start, end, source="issuance"),
        redeemed=_flow(session, village_id, start, end, source="redeemed"),
    )


def build(
    session: Session, village_id: int | None, *, months: int = 12, now: datetime | None = None
) -> Dashboard:
    """Every number and series the dashboard shows, for one village or the town."""
    here = local_now(now)
    residents = active_residents(session, village_id)
    this_month = month_start_utc(here.year, here.month)
    next_month = month_start_utc(*shift_month(here.year, here.month, 1))
    this_year, next_year = month_start_utc(here.year, 1), month_start_utc(here.year + 1, 1)
    outstanding = select(
        func.coalesce(func.sum(Account.credits_posted - Account.debits_posted), 0)
    ).where(Account.kind == "resident")
    pending = select(func.count(Redemption.id)).where(Redemption.status == "pending")
    low = select(Reward).where(
        Reward.active.is_(True), Reward.stock.is_not(None), Reward.stock <= LOW_STOCK
    )
    if village_id is not None:
        low = low.where((Reward.village_id == village_id) | Reward.village_id.is_(None))
    series = []
    for back in range(months - 1, -1, -1):
        year, month = shift_month(here.year, here.month, -back)
        start, end = month_start_utc(year, month), month_start_utc(*shift_month(year, month, 1))
        checkins, people = _checkins(session, village_id, start, end)
        series.append(
            MonthPoint(
                label=f"{year}-{month:02d}",
                checkins=checkins,
                participants=people,
                issued=_flow(session, village_id, start, end, source="issuance"),
                redeemed=_flow(session, village_id, start, end, source="redeemed"),
            )
        )
    return Dashboard(
        village_id=village_id,
        residents=residents,
        month=period_numbers(session, village_id, this_month, next_month, residents),
        year=period_numbers(session, village_id, this_year, next_year, residents),
        outstanding=int(
            session.scalar(_in_village(outstanding, Account.village_id, village_id)) or 0
        ),
        pending_redemptions=int(
            session.scalar(_in_village(pending, Redemption.village_id, village_id)) or 0
        ),
        low_stock=[
            {"id": r.id, "name": r.name, "stock": r.stock}
            for r in session.scalars(low.order_by(Reward.stock, Reward.id).limit(20))
        ],
        series=series,
        top_villages=village_ranking(session, here) if village_id is None else [],
    )


def village_ranking(session: Session, here: datetime) -> list[dict]:
    """This month's points earned per village (the town admin's comparison)."""
    period = f"m{here.year}-{here.month:02d}"
    rows = session.execute(
        select(
            Village.id,
            Village.name,
            func.coalesce(func.sum(EarnedTotal.points), 0),
            func.count(EarnedTotal.id),
        )
        .outerjoin(
            EarnedTotal, (EarnedTotal.village_id == Village.id) & (EarnedTotal.period == period)
        )
        .group_by(Village.id, Village.name)
        .order_by(Village.id)
    )
    return [{"id": i, "name": n, "points": int(p), "people": int(c)} for i, n, p, c in rows]
