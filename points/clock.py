"""Time as the villagers read it: stored in UTC (naive), shown and counted in Asia/Shanghai.

Every calendar question the scheme asks — "this month", "today", "the end of the posting" —
is a Shanghai calendar question, answered here and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current UTC time as a naive datetime (how every time is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def from_timestamp(moment: float) -> datetime:
    """A POSIX timestamp as a stored (naive UTC) time."""
    return datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)


def timestamp(value: datetime) -> float:
    """Seconds since the epoch of a stored (naive UTC) time."""
    return value.replace(tzinfo=UTC).timestamp()


def local(value: datetime) -> datetime:
    """A stored UTC time as an aware Shanghai time."""
    return value.replace(tzinfo=UTC).astimezone(SHANGHAI)


def local_now(now: datetime | None = None) -> datetime:
    """Now (or a stored time) in Shanghai."""
    return local(now or utcnow())


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time formatted as the villagers read it ('' for none)."""
    return "" if value is None else local(value).strftime(fmt)


def to_utc(value: datetime) -> datetime:
    """A Shanghai wall-clock time (naive or aware) as a stored naive UTC time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(UTC).replace(tzinfo=None)


def day_start_utc(day: date) -> datetime:
    """Midnight starting a Shanghai calendar day, as a stored UTC time."""
    return to_utc(datetime.combine(day, time.min))


def month_start_utc(year: int, month: int) -> datetime:
    """Midnight starting a Shanghai calendar month, as a stored UTC time."""
    return day_start_utc(date(year, month, 1))


def this_month_start_utc(now: datetime | None = None) -> datetime:
    """The start of the current (or `now`'s) Shanghai calendar month, as a stored UTC time."""
    here = local_now(now)
    return month_start_utc(here.year, here.month)


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """The (year, month) `by` months after (or before) the given one."""
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def period_keys(moment: datetime) -> tuple[str, str, str]:
    """The period keys ('all', 'yYYYY', 'mYYYY-MM') a stored UTC time falls in, Shanghai time."""
    at = local(moment)
    return ("all", f"y{at.year}", f"m{at.year}-{at.month:02d}")
