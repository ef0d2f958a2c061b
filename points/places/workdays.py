"""The working-day calendar (法定节假日 · 调休): days off and the weekend days worked instead.

Each year the State Council publishes which days are public holidays and which Saturdays or
Sundays are worked in their place (调休上班). The city keeps that national calendar, year by
year; a town may add its own days (a local holiday, a local make-up day). For a date both
list, the town's word wins. A working day is a Monday-to-Friday day that is not a holiday, or
any make-up day.

Each place's year is stored as one settings row (key `work_calendar_<year>`, value
`{"holidays": [...], "workdays": [...]}` of ISO dates), so it lives and inherits like the
other settings; changing a year replaces that place's two lists at once, audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.clock import local_now
from points.db import write_transaction
from points.errors import N_, DomainError
from points.models import Setting, User
from points.places import settings
from points.policy import Place

KEY = "work_calendar_{year}"
YEARS_BACK, YEARS_AHEAD = 1, 2  # a year may be entered from last year to two years ahead
MAX_DAYS = 120  # per list and year
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadCalendar(DomainError):
    code = "bad_calendar"
    template = N_("节假日安排不正确。")


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: Monday to Friday, less the holidays, plus the make-up days."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


PLAIN = WorkCalendar()


def _key(year: int) -> str:
    return KEY.format(year=year)


def _stored(session: Session, scopes: Iterable[str], years: Iterable[int]) -> dict:
    """{(scope, year): {"holidays": [...], "workdays": [...]}} as stored."""
    keys = {_key(year): year for year in years}
    rows = session.execute(
        select(Setting.scope, Setting.key, Setting.value).where(
            Setting.key.in_(keys), Setting.scope.in_(list(scopes))
        )
    ).all()
    return {(scope, keys[key]): value or {} for scope, key, value in rows}


def _scopes(place: Place) -> list[str]:
    """The scopes whose days apply to a place, farthest first (the city, then its town)."""
    if place.town_id is None:
        return [settings.CITY_SCOPE]
    return [settings.CITY_SCOPE, settings.scope_key(Place(place.town_id))]


def _merge(stored: dict, scopes: list[str], years: Iterable[int]) -> WorkCalendar:
    off: set[date] = set()
    worked: set[date] = set()
    for year in years:
        for scope in scopes:  # nearer scopes later: their word wins for a date
            value = stored.get((scope, year), {})
            for text in value.get("holidays", []):
                day = date.fromisoformat(text)
                off.add(day)
                worked.discard(day)
            for text in value.get("workdays", []):
                day = date.fromisoformat(text)
                worked.add(day)
                off.discard(day)
    return WorkCalendar(frozenset(off), frozenset(worked))


def for_town(session: Session, town_id: int | None, year: int) -> WorkCalendar:
    """The calendar a town's deadlines count by, for `year` and the next (a deadline started
    in late December ends in January)."""
    place = Place(town_id)
    years = (year, year + 1)
    scopes = _scopes(place)
    return _merge(_stored(session, scopes, years), scopes, years)


# --- reading and changing a year (city and town admins) -----------------------------------------
def _town_of(place: Place) -> Place:
    """Villages follow their town's calendar."""
    return Place(place.town_id)


def year_view(session: Session, place: Place, year: int) -> dict[str, Any]:
    """A place's own days for a year, and the days that apply there (its own and the city's)."""
    year = clean_year(year)
    place = _town_of(place)
    scopes = _scopes(place)
    stored = _stored(session, scopes, (year,))
    own = stored.get((scopes[-1], year), {})
    applies = _merge(stored, scopes, (year,))
    return {
        "year": year,
        "town_id": place.town_id,
        "holidays": list(own.get("holidays", [])),
        "workdays": list(own.get("workdays", [])),
        "effective": {
            "holidays": sorted(d.isoformat() for d in applies.holidays),
            "workdays": sorted(d.isoformat() for d in applies.workdays),
        },
    }


def clean_year(year: Any, today: date | None = None) -> int:
    """A year that may be entered: last year to two years ahead (Shanghai)."""
    now = (today or local_now().date()).year
    low, high = now - YEARS_BACK, now + YEARS_AHEAD
    if isinstance(year, bool) or not isinstance(year, int) or not low <= year <= high:
        raise BadCalendar(N_("节假日安排只能填 %(low)s–%(high)s 年的"), low=low, high=high)
    return year


def _as_list(raw: Any) -> list[str]:
    """A list of date strings, or text with one date a line (or separated by commas/spaces)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [part for part in re.split(r"[\s,，、;；]+", raw) if part]
    if isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
        return [item.strip() for item in raw if item.strip()]
    raise BadCalendar(N_("日期请写成 2026-10-01 这样的格式"))


def _days(raw: Any, year: int) -> list[date]:
    found: set[date] = set()
    for text in _as_list(raw):
        try:
            if not _ISO.match(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError as exc:
            wanted = N_("“%(text)s”不是日期（应写成 2026-10-01）")
            raise BadCalendar(wanted, text=text[:20]) from exc
        if day.year != year:
            raise BadCalendar(N_("%(day)s 不在 %(year)s 年"), day=day.isoformat(), year=year)
        found.add(day)
    if len(found) > MAX_DAYS:
        raise BadCalendar(N_("每年最多填 %(most)s 天"), most=MAX_DAYS)
    return sorted(found)


def clean_days(year: int, holidays: Any, workdays: Any) -> tuple[list[date], list[date]]:
    """Check one year's two lists: real dates of that year, no date in both, make-up days on
    a Saturday or Sunday."""
    off, worked = _days(holidays, year), _days(workdays, year)
    both = sorted(set(off) & set(worked))
    if both:
        raise BadCalendar(N_("%(day)s 不能既放假又上班"), day=both[0].isoformat())
    weekday = next((day for day in worked if day.weekday() < 5), None)
    if weekday is not None:
        raise BadCalendar(N_("调休上班日 %(day)s 不是周六或周日"), day=weekday.isoformat())
    return off, worked


def set_year(
    session: Session,
    actor: User,
    place: Place,
    year: Any,
    *,
    holidays: Any,
    workdays: Any,
    today: date | None = None,
) -> dict[str, Any]:
    """Replace a place's own holidays and make-up days for one year (the city: the city admin;
    a town: its admins and the city's); empty lists clear the year. Audited before/after."""
    policy.ensure_may_change_calendar(actor, place)
    year = clean_year(year, today)
    off, worked = clean_days(year, holidays, workdays)
    value = {
        "holidays": [day.isoformat() for day in off],
        "workdays": [day.isoformat() for day in worked],
    }
    scope, key = settings.scope_key(place), _key(year)
    with write_transaction(session):
        before = _stored(session, (scope,), (year,)).get((scope, year))
        if off or worked:
            settings.put(session, key, value, place)
            after: dict | None = value
        else:
            session.execute(delete(Setting).where(Setting.key == key, Setting.scope == scope))
            after = None
        if before != after:
            audit.record(
                session,
                actor_id=actor.id,
                action="calendar.update",
                town_id=place.town_id,
                target_type="calendar",
                target_id=f"{scope}:{year}",
                before=before,
                after=after,
            )
    return year_view(session, place, year)
