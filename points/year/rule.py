"""When a lot of points expires: the `expiry` setting of a village (else its town's).

  {"mode": "none"}                         points never expire (the default)
  {"mode": "year_end", "date": "03-31"}   points earned in year Y are valid through 3月31日 of Y+1
  {"mode": "rolling", "months": 12}        points are valid for N months after they were earned

All calendar days are Shanghai days; a lot is valid through its last day and gone from the
midnight after it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from points.clock import day_start_utc, local, shift_month

MODES = ("none", "year_end", "rolling")
SETTING = "expiry"
DEFAULT: dict[str, Any] = {"mode": "none"}


class BadExpiry(ValueError):
    """The setting's value is not one of the shapes above."""


@dataclass(frozen=True, slots=True)
class ExpiryRule:
    mode: str = "none"
    month: int = 3
    day: int = 31
    months: int = 12

    @classmethod
    def from_setting(cls, value: Any) -> ExpiryRule:
        """Read a stored (or typed) value; raise BadExpiry when it makes no sense."""
        if value is None:
            return cls()
        if not isinstance(value, dict) or value.get("mode") not in MODES:
            raise BadExpiry("mode")
        mode = value["mode"]
        if mode == "year_end":
            text = str(value.get("date", "03-31")).strip()
            try:
                month, day = (int(part) for part in text.split("-"))
                date(2024, month, day)  # a leap year: 02-29 is allowed (clamped when short)
            except ValueError as exc:
                raise BadExpiry("date") from exc
            return cls(mode, month=month, day=day)
        if mode == "rolling":
            months = value.get("months", 12)
            if isinstance(months, str) and months.strip().isdigit():
                months = int(months)
            if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
                raise BadExpiry("months")
            return cls(mode, months=months)
        return cls()

    def as_setting(self) -> dict[str, Any]:
        if self.mode == "year_end":
            return {"mode": "year_end", "date": f"{self.month:02d}-{self.day:02d}"}
        if self.mode == "rolling":
            return {"mode": "rolling", "months": self.months}
        return dict(DEFAULT)

    @property
    def active(self) -> bool:
        return self.mode != "none"

    def last_day(self, earned_at: datetime) -> date | None:
        """The last Shanghai day a lot earned at `earned_at` (stored UTC) may be spent."""
        earned = local(earned_at).date()
        if self.mode == "year_end":
            return _clamped(earned.year + 1, self.month, self.day)
        if self.mode == "rolling":
            year, month = shift_month(earned.year, earned.month, self.months)
            return _clamped(year, month, earned.day)
        return None

    def expires_at(self, earned_at: datetime) -> datetime | None:
        """The stored (UTC) moment the lot is gone: midnight after its last day, Shanghai."""
        last = self.last_day(earned_at)
        return None if last is None else day_start_utc(last + timedelta(days=1))


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
