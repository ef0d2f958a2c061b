"""A hazard's deadlines, counted in Shanghai: verify within N working days, fix within M days.

Working days are Monday to Friday less the public holidays, plus the weekend days worked in
their place (调休), as the town's calendar has them (points.places.workdays). A report's
verification is due at the end of the Nth working day after the day it was made (made on a
Saturday or a holiday: N working days from the next day worked on); a verified hazard's fix
at the end of the Mth calendar day after verification. Both are stored as UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from points.clock import day_start_utc, local
from points.models import Case
from points.places import settings
from points.places.workdays import PLAIN, WorkCalendar

VERIFY_SETTING = "hazard_verify_working_days"
FIX_SETTING = "hazard_fix_days"
OPEN_FOR_FIX = ("verified", "assigned")


def add_working_days(day: date, n: int, calendar: WorkCalendar = PLAIN) -> date:
    """The Nth working day after `day`."""
    found = day
    while n > 0:
        found += timedelta(days=1)
        if calendar.is_working(found):
            n -= 1
    return found


def verify_due(
    reported_at: datetime, working_days: int, calendar: WorkCalendar = PLAIN
) -> datetime:
    last = add_working_days(local(reported_at).date(), working_days, calendar)
    return day_start_utc(last + timedelta(days=1))


def fix_due(verified_at: datetime, days: int) -> datetime:
    last = local(verified_at).date() + timedelta(days=days)
    return day_start_utc(last + timedelta(days=1))


def limits(session: Session, village_id: int, town_id: int) -> tuple[int, int]:
    """(verify within N working days, fix within M days) for a village (village → town → city)."""
    return (
        int(settings.get(session, VERIFY_SETTING, village_id, town_id=town_id)),
        int(settings.get(session, FIX_SETTING, village_id, town_id=town_id)),
    )


def is_overdue(case: Case, now: datetime) -> bool:
    if case.kind != "hazard":
        return False
    if case.status == "submitted":
        return case.verify_due_at is not None and case.verify_due_at <= now
    if case.status in OPEN_FOR_FIX:
        return case.fix_due_at is not None and case.fix_due_at <= now
    return False


def overdue_clause(now: datetime):
    """`is_overdue` as a WHERE clause over cases."""
    return and_(
        Case.kind == "hazard",
        or_(
            and_(Case.status == "submitted", Case.verify_due_at <= now),
            and_(Case.status.in_(OPEN_FOR_FIX), Case.fix_due_at <= now),
        ),
    )
