"""The demo city's working-day calendar: China's 2026 public holidays and make-up days.

As published by the General Office of the State Council (国办发明电〔2025〕7号), written
here from memory: illustrative for the demo. A real deployment checks each year's official
notice and enters it on the calendar page (or PUT /api/v1/calendar/<year>).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from points.models import User
from points.places import workdays
from points.policy import Place

YEAR = 2026
HOLIDAYS = {
    "元旦": ("2026-01-01", "2026-01-02", "2026-01-03"),
    "春节": tuple(f"2026-02-{d:02d}" for d in range(15, 24)),
    "清明节": ("2026-04-04", "2026-04-05", "2026-04-06"),
    "劳动节": tuple(f"2026-05-{d:02d}" for d in range(1, 6)),
    "端午节": ("2026-06-19", "2026-06-20", "2026-06-21"),
    "中秋节": ("2026-09-25", "2026-09-26", "2026-09-27"),
    "国庆节": tuple(f"2026-10-{d:02d}" for d in range(1, 8)),
}
MAKE_UP_DAYS = ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10")


def seed_calendar(session: Session, city_admin: User) -> None:
    """Enter 2026 for the whole city, as its admin would (dated inside 2026, so the demo
    seeds the same calendar whatever year it is run in)."""
    workdays.set_year(
        session,
        city_admin,
        Place(),
        YEAR,
        holidays=[day for days in HOLIDAYS.values() for day in days],
        workdays=list(MAKE_UP_DAYS),
        today=date(YEAR, 6, 1),
    )
