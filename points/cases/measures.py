"""The city's own measures of hazards and disputes, computed from the cases, for a grid, a
village, a town or the city — and the cases' export for the committee's spreadsheets.

Hazards: reported (every report), verified (ever verified: duplicates and rejections are
not), fixed (ever fixed), overdue (now: past the deadline to verify or to fix), and the fix
rate = fixed / verified. Disputes, as the city reports them: found (every dispute recorded),
mediated (调处: mediation began — mediating, resolved or failed; handed on is not), resolved
(调解成功); 调处率 = mediated / found, 成功率 = resolved / mediated. Rates are None when
their denominator is 0. A date range counts the cases reported (found) in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from points import policy
from points.cases import deadlines, disputes, machine
from points.clock import day_start_utc, local_time, utcnow
from points.errors import N_
from points.errors import render as translate
from points.models import Case, Grid, Town, User, Village
from points.policy import Place


@dataclass(frozen=True)
class Measures:
    name: str
    hazards_reported: int = 0
    hazards_verified: int = 0
    hazards_fixed: int = 0
    hazards_overdue: int = 0
    disputes_found: int = 0
    disputes_mediated: int = 0
    disputes_resolved: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def fix_rate(self) -> float | None:
        return self._rate(self.hazards_fixed, self.hazards_verified)

    @property
    def mediation_rate(self) -> float | None:
        """调处率: mediated / found."""
        return self._rate(self.disputes_mediated, self.disputes_found)

    @property
    def success_rate(self) -> float | None:
        """成功率: resolved / mediated."""
        return self._rate(self.disputes_resolved, self.disputes_mediated)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "hazards_reported": self.hazards_reported,
            "hazards_verified": self.hazards_verified,
            "hazards_fixed": self.hazards_fixed,
            "hazards_overdue": self.hazards_overdue,
            "fix_rate": self.fix_rate,
            "disputes_found": self.disputes_found,
            "disputes_mediated": self.disputes_mediated,
            "disputes_resolved": self.disputes_resolved,
            "mediation_rate": self.mediation_rate,
            "success_rate": self.success_rate,
        }


def _counts(now: datetime) -> list:
    hazard, dispute = Case.kind == "hazard", Case.kind == "dispute"

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [
        count(hazard),
        count(and_(hazard, Case.verified_at.is_not(None))),
        count(and_(hazard, Case.fixed_at.is_not(None))),
        count(deadlines.overdue_clause(now)),
        count(dispute),
        count(and_(dispute, Case.status.in_(disputes.MEDIATED))),
        count(and_(dispute, Case.status == "resolved")),
    ]


def _where(query, place: Place, start: date | None, end: date | None):
    query = query.where(Case.kind.in_(("hazard", "dispute")))
    if place.grid_id is not None:
        query = query.where(Case.grid_id == place.grid_id)
    elif place.village_id is not None:
        query = query.where(Case.village_id == place.village_id)
    elif place.town_id is not None:
        query = query.where(Case.town_id == place.town_id)
    if start is not None:
        query = query.where(Case.created_at >= day_start_utc(start))
    if end is not None:
        query = query.where(Case.created_at < day_start_utc(end + timedelta(days=1)))
    return query


def measure(
    session: Session,
    place: Place,
    *,
    name: str = "",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> Measures:
    """The measures of one place (a grid, a village, a town; the city: Place())."""
    moment = now or utcnow()
    row = session.execute(_where(select(*_counts(moment)), place, start, end)).one()
    return Measures(name, *(int(v) for v in row))


def breakdown(
    session: Session,
    place: Place,
    *,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> list[Measures]:
    """The place's parts side by side: the city's towns, a town's villages, a village's grids."""
    moment = now or utcnow()
    if place.village_id is not None:
        key, names = (
            Case.grid_id,
            select(Grid.id, Grid.name).where(Grid.village_id == place.village_id),
        )
    elif place.town_id is not None:
        key, names = (
            Case.village_id,
            select(Village.id, Village.name).where(Village.town_id == place.town_id),
        )
    else:
        key, names = Case.town_id, select(Town.id, Town.name)
    named = dict(session.execute(names.order_by(names.selected_columns[0])).all())
    rows = session.execute(
        _where(select(key, *_counts(moment)), place, start, end).group_by(key)
    ).all()
    found = {part: Measures(named.get(part, ""), *(int(v) for v in rest)) for part, *rest in rows}
    return [found.get(part, Measures(name)) for part, name in named.items()]


@dataclass(frozen=True)
class Board:
    total: Measures
    parts: list[Measures]


def for_reader(
    session: Session, reader: User, place: Place, *, now: datetime | None = None
) -> Board:
    """The dashboard's section: the place's measures and its parts' (this calendar year)."""
    policy.ensure_may_see_dashboard(reader, place)
    moment = now or utcnow()
    year_start = date(int(local_time(moment, "%Y")), 1, 1)
    return Board(
        measure(session, place, start=year_start, now=moment),
        breakdown(session, place, start=year_start, now=moment),
    )


# --- the export -------------------------------------------------------------------------------
def report_rows(session: Session, place: Place, start: date | None, end: date | None):
    """Every hazard and dispute of the place reported in the range (parties never included:
    the export is a statistic of the work, not a file of the people in it)."""
    moment = utcnow()
    query = _where(select(Case, User.name), place, start, end)
    query = query.join(User, User.id == Case.reporter_id).order_by(Case.id)
    villages = dict(session.execute(select(Village.id, Village.name)).all())
    grids = dict(session.execute(select(Grid.id, Grid.name)).all())
    for item, reporter in session.execute(query):
        label = machine.STATUS_LABELS[item.kind].get(item.status, item.status)
        yield [
            item.id,
            translate(machine.KIND_LABELS[item.kind]),
            translate(label),
            local_time(item.created_at, "%Y-%m-%d %H:%M"),
            villages.get(item.village_id, ""),
            grids.get(item.grid_id, ""),
            item.title,
            item.place_text,
            reporter,
            local_time(item.verified_at, "%Y-%m-%d %H:%M"),
            local_time(item.fixed_at, "%Y-%m-%d %H:%M"),
            local_time(item.closed_at, "%Y-%m-%d %H:%M"),
            translate("是") if deadlines.is_overdue(item, moment) else "",
            item.rating or "",
            item.tier,
        ]


REPORT_HEADER = (
    N_("编号"),
    N_("类型"),
    N_("状态"),
    N_("报告时间"),
    N_("村"),
    N_("网格"),
    N_("事项"),
    N_("地点"),
    N_("报告人"),
    N_("核实时间"),
    N_("整改时间"),
    N_("办结时间"),
    N_("超期"),
    N_("评价"),
    N_("调解难度"),
)


def report_header() -> list[str]:
    return [translate(h) for h in REPORT_HEADER]
