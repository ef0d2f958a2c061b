"""The monthly 积分公示 notice posted on the village board: masked names, points, rank."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import policy
from points.errors import N_, DomainError
from points.models import EarnedTotal, Household, User
from points.places import village_place


class BadMonth(DomainError):
    code = "bad_month"
    template = N_("月份格式应为 年-月（如 2026-11）：%(value)s")


@dataclass(frozen=True)
class NoticeLine:
    rank: int
    name: str  # unmasked: the template masks it
    household: str
    points: int


def parse_month(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadMonth(value=text)
    return int(match.group(1)), int(match.group(2))


def monthly_notice(
    session: Session, village_id: int, year: int, month: int, *, limit: int = 200
) -> list[NoticeLine]:
    """Residents of a village ranked by points earned in the month; opted-out ones left out.

    Ties go to whoever reached the total first, as on the leaderboard.
    """
    rows = session.execute(
        select(User.name, Household.code, EarnedTotal.points)
        .join(User, User.id == EarnedTotal.resident_id)
        .outerjoin(Household, Household.id == User.household_id)
        .where(
            EarnedTotal.period == f"m{year}-{month:02d}",
            EarnedTotal.village_id == village_id,
            EarnedTotal.points > 0,
            User.leaderboard_opt_out.is_(False),
            User.active.is_(True),
        )
        .order_by(EarnedTotal.points.desc(), EarnedTotal.reached_at, EarnedTotal.resident_id)
        .limit(limit)
    )
    return [
        NoticeLine(rank, name, household or "", int(points))
        for rank, (name, household, points) in enumerate(rows, start=1)
    ]


def notice_for(
    session: Session, reader: User, village_id: int, year: int, month: int
) -> list[NoticeLine]:
    """The monthly notice of a village, for the admins over it."""
    policy.ensure_may_see_reports(reader, village_place(session, village_id))
    return monthly_notice(session, village_id, year, month)
