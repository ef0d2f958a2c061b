"""Caps: how often, or how many points, a rule may give a resident or a household in a
Shanghai calendar day, week, month or year (or one occasion: an event, a case).

A cap is checked and consumed inside the award's own transaction: each counter row
(rule, holder, period) is created-or-locked by one upsert, read under that lock, and moved
by a guarded relative UPDATE — so twenty racing awards under "3 times a week" give exactly
three, on SQLite (one writer) and PostgreSQL (the row lock) alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from points.clock import local
from points.errors import N_, Msgid, render
from points.models import CapUsage

PERS = ("resident", "household")
PERIODS = ("day", "week", "month", "year", "event")

_usage = CapUsage.__table__


@dataclass(frozen=True, slots=True)
class Cap:
    per: str  # resident | household
    period: str  # day | week | month | year | event
    max_times: int | None = None
    max_points: int | None = None

    def as_dict(self) -> dict:
        found = {"per": self.per, "period": self.period}
        if self.max_times is not None:
            found["max_times"] = self.max_times
        if self.max_points is not None:
            found["max_points"] = self.max_points
        return found


def period_key(period: str, moment: datetime, occasion: str | None = None) -> str | None:
    """The counter's period for a stored UTC time, in the Shanghai calendar."""
    at = local(moment)
    if period == "day":
        return f"d{at:%Y-%m-%d}"
    if period == "week":
        year, week, _ = at.isocalendar()
        return f"w{year}-{week:02d}"
    if period == "month":
        return f"m{at:%Y-%m}"
    if period == "year":
        return f"y{at.year}"
    return f"e{occasion}" if occasion else None


def holder_key(per: str, resident_id: int, household_id: int | None) -> str:
    """Whose counter: the resident's, or their household's (a resident with none: their own)."""
    if per == "household" and household_id is not None:
        return f"h{household_id}"
    return f"r{resident_id}"


# --- the statements, built once ---------------------------------------------------------
def _touch(dialect_insert):
    """Create the counter row or, if it exists, lock it; answer its times and points."""
    statement = dialect_insert(_usage).values(
        rule_id=bindparam("rule_id"),
        holder=bindparam("holder"),
        period=bindparam("period"),
        times=0,
        points=0,
    )
    return statement.on_conflict_do_update(
        index_elements=["rule_id", "holder", "period"],
        set_={"times": _usage.c.times},
    ).returning(_usage.c.times, _usage.c.points)


TOUCH = {"postgresql": _touch(postgresql.insert), "sqlite": _touch(sqlite.insert)}

# (Bound names differ from the columns': an UPDATE reserves the columns' own names.)
_key = (
    (_usage.c.rule_id == bindparam("u_rule"))
    & (_usage.c.holder == bindparam("u_holder"))
    & (_usage.c.period == bindparam("u_period"))
)
# Guarded: never past either limit, whatever was read.
CONSUME = (
    update(_usage)
    .where(
        _key,
        _usage.c.times + bindparam("add_times") <= bindparam("max_times"),
        _usage.c.points + bindparam("add_points") <= bindparam("max_points"),
    )
    .values(
        times=_usage.c.times + bindparam("add_times"),
        points=_usage.c.points + bindparam("add_points"),
    )
)

UNLIMITED = 2**31 - 1


class CapExceeded(Exception):
    """A guarded counter update matched nothing: should be unreachable under the row lock."""


@dataclass(frozen=True, slots=True)
class CapHit:
    """The cap that held an award back (to 0 or to fewer points than asked)."""

    cap: Cap
    rule_name: str
    unit: str

    @property
    def template(self) -> str:
        return _TEMPLATES[(self.cap.per, self.cap.period)]

    @property
    def params(self) -> dict:
        if self.cap.max_times is not None:
            limit, what = self.cap.max_times, _UNIT_WORDS.get(self.unit, _UNIT_WORDS["event"])
        else:
            limit, what = self.cap.max_points, N_("分")
        return {"rule": self.rule_name, "limit": limit, "what": Msgid(what)}

    @property
    def message(self) -> str:
        """In the reader's language (outside a request: Chinese)."""
        return render(self.template, **self.params)

    def as_dict(self) -> dict:
        return {**self.cap.as_dict(), "message": self.message}


_UNIT_WORDS = {"event": N_("次"), "report": N_("次"), "case": N_("次"), "hour": N_("小时")}
_TEMPLATES = {
    ("resident", "day"): N_("今天%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("resident", "week"): N_("本周%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("resident", "month"): N_("本月%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("resident", "year"): N_("今年%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("resident", "event"): N_("本次%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("household", "day"): N_("本户今天%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("household", "week"): N_("本户本周%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("household", "month"): N_("本户本月%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("household", "year"): N_("本户今年%(rule)s积分已达上限 %(limit)s %(what)s"),
    ("household", "event"): N_("本户本次%(rule)s积分已达上限 %(limit)s %(what)s"),
}


@dataclass(frozen=True, slots=True)
class Allowance:
    units: int
    points: int
    hit: Cap | None


def consume(
    connection: Connection,
    *,
    rule_id: int,
    caps: list[Cap],
    resident_id: int,
    household_id: int | None,
    at: datetime,
    units: int,
    points: int,
    occasion: str | None = None,
) -> Allowance:
    """Take what the caps still allow of `units` (worth `points`) and record it; in the
    caller's write transaction. Points follow units pro rata, then any points cap trims them.
    """
    # One counter per (holder, period): caps sharing one are checked together.
    counters: dict[tuple[str, str], list[Cap]] = {}
    for cap in caps:
        period = period_key(cap.period, at, occasion)
        if period is not None:
            counters.setdefault(
                (holder_key(cap.per, resident_id, household_id), period), []
            ).append(cap)
    if not counters:
        return Allowance(units, points, None)
    touch = TOUCH[connection.dialect.name]
    per_unit = points / units if units else 0
    allowed_units, allowed_points, hit = units, points, None
    limits = {}
    for key in sorted(counters):  # a fixed lock order: no deadlocks between awards
        holder, period = key
        used_times, used_points = connection.execute(
            touch, {"rule_id": rule_id, "holder": holder, "period": period}
        ).one()
        max_times = min(
            (c.max_times for c in counters[key] if c.max_times is not None), default=None
        )
        max_points = min(
            (c.max_points for c in counters[key] if c.max_points is not None), default=None
        )
        limits[key] = (max_times, max_points)
        if max_times is not None and max_times - used_times < allowed_units:
            allowed_units = max(0, max_times - used_times)
            allowed_points = min(allowed_points, int(allowed_units * per_unit))
            hit = hit or _binding(counters[key], "times")
        if max_points is not None and max_points - used_points < allowed_points:
            allowed_points = max(0, max_points - used_points)
            hit = hit or _binding(counters[key], "points")
    if allowed_points <= 0:
        return Allowance(0, 0, hit)
    for key in sorted(counters):
        holder, period = key
        max_times, max_points = limits[key]
        moved = connection.execute(
            CONSUME,
            {
                "u_rule": rule_id,
                "u_holder": holder,
                "u_period": period,
                "add_times": allowed_units,
                "add_points": allowed_points,
                "max_times": UNLIMITED if max_times is None else max_times,
                "max_points": UNLIMITED if max_points is None else max_points,
            },
        )
        if moved.rowcount != 1:
            raise CapExceeded(key)
    return Allowance(allowed_units, allowed_points, hit)


def _binding(caps: list[Cap], what: str) -> Cap:
    return next(c for c in caps if getattr(c, f"max_{what}") is not None)
