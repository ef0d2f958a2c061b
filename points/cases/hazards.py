"""Hazard reports (隐患随手拍): a resident or grid worker reports, the grid verifies, someone fixes.

    submitted ──verify────▶ verified ──assign──▶ assigned ──fix──▶ fixed ──close / rate──▶ closed
        ├──────reject─────▶ rejected   (with a reason; the reporter is told)
        └──────duplicate──▶ duplicate  (of an earlier verified report of the same village)

Points: verifying a report awards its reporter under the village's `hazard` rule (caps
consumed then), held on public notice (公示) for the rule's publicity days through
`publicity.hold_award` and posted by `points tick` when it ends. A duplicate's reporter gets
the rule's `later_reporter_points` when the rule pays the first reporter only (武汉: 10 to the
first, 1 to later ones; 0 or none: nothing) and nothing under a rule that does not — the first
reporter keeps the full award either way. No `hazard` rule in force: verified, no points.

Deadlines (points.cases.deadlines): verify within the village's `hazard_verify_working_days`
working days of the report, fix within `hazard_fix_days` days of verification; past them a
report is overdue (`deadlines.overdue_clause`). Each move is a guarded UPDATE (machine.move):
two grid workers verifying one report at once award it once; the other is told it is verified.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points import policy, rules
from points.cases import deadlines, machine, publicity
from points.cases.machine import BadCase, clean_text, stamp
from points.clock import local, local_time, utcnow
from points.db import write_transaction
from points.errors import N_, Msgid, NotFound
from points.models import Case, Grid, Posting, Role, User
from points.people import notices
from points.places import workdays
from points.rules.award import Granted, grant
from points.rules.budget import ensure_within

RULE_CODE = "hazard"
MAX_TITLE = 100
MAX_DESCRIPTION = 2000
MAX_PLACE = 200
MAX_DEPARTMENT = 60
REAL_HAZARDS = ("verified", "assigned", "fixed", "closed")  # what a duplicate may point at
OPEN = ("submitted", "verified", "assigned", "fixed")


@dataclass(frozen=True)
class Outcome:
    """A case after a move, with the award it earned (verification, duplicate)."""

    case: Case
    granted: Granted | None = None
    posting: Posting | None = None

    def answer(self, session: Session, now: datetime | None = None) -> dict:
        found = view(session, self.case, now=now)
        if self.granted is not None:
            found["award"] = self.granted.answer()
        if self.posting is not None:
            found["posting"] = {
                "id": self.posting.id,
                "status": self.posting.status,
                "end_date": self.posting.end_date.isoformat(),
            }
        return found


# --- reporting -----------------------------------------------------------------------------
def _position(lat: object, lng: object) -> tuple[float | None, float | None]:
    """A position only when both halves are given and lie on the earth."""
    if lat in (None, "") and lng in (None, ""):
        return None, None
    try:
        north, east = float(lat), float(lng)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadCase(detail=Msgid(N_("位置坐标不正确"))) from None
    if not (math.isfinite(north) and math.isfinite(east)):
        raise BadCase(detail=Msgid(N_("位置坐标不正确")))
    if not (-90 <= north <= 90 and -180 <= east <= 180):
        raise BadCase(detail=Msgid(N_("位置坐标不正确")))
    return round(north, 6), round(east, 6)


def _grid_of(session: Session, reporter: User, grid_id: object) -> int | None:
    if grid_id in (None, ""):
        return reporter.grid_id
    try:
        wanted = int(grid_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadCase(detail=Msgid(N_("网格不正确"))) from None
    grid = session.get(Grid, wanted)
    if grid is None or grid.village_id != reporter.village_id:
        raise BadCase(detail=Msgid(N_("网格不属于您所在的村")))
    return grid.id


def report(
    session: Session,
    *,
    reporter: User,
    title: object,
    photos: list[str],
    description: object = "",
    place_text: object = "",
    grid_id: object = None,
    lat: object = None,
    lng: object = None,
    now: datetime | None = None,
) -> Case:
    """Report a hazard with 1–4 photos (already re-encoded, EXIF gone), what and where; a
    position only if the reporter allowed the browser to give it."""
    policy.ensure_may_report_hazard(reporter)
    moment = now or utcnow()
    title = clean_text(title, MAX_TITLE, N_("请写明隐患是什么（不超过 100 字）"), required=True)
    description = clean_text(description, MAX_DESCRIPTION, N_("说明不超过 2000 字"), required=False)
    where = clean_text(place_text, MAX_PLACE, N_("地点不超过 200 字"), required=False)
    if not 1 <= len(photos) <= machine.MAX_PHOTOS:
        raise BadCase(detail=Msgid(N_("请附 1 到 4 张照片")))
    north, east = _position(lat, lng)
    grid = _grid_of(session, reporter, grid_id)
    verify_days, _ = deadlines.limits(session, reporter.village_id, reporter.town_id)
    calendar = workdays.for_town(session, reporter.town_id, local(moment).year)
    with write_transaction(session):
        case = machine.new_case(
            session,
            "hazard",
            "submitted",
            reporter_id=reporter.id,
            place=policy.Place(reporter.town_id, reporter.village_id, grid),
            title=title,
            description=description,
            now=moment,
            place_text=where,
            lat=north,
            lng=east,
            verify_due_at=deadlines.verify_due(moment, verify_days, calendar),
        )
        machine.add_photos(session, case, photos, "report", moment)
        machine.record(session, reporter.id, "report", case, "")
    return case


# --- the award ------------------------------------------------------------------------------
def _award(
    session: Session, case: Case, actor: User, moment: datetime, *, first_report: bool
) -> tuple[Granted | None, Posting | None]:
    """The reporter's award under the village's hazard rule, held on notice (in the caller's
    write transaction, after the case row is moved)."""
    rule = rules.rule_for(session, RULE_CODE, town_id=case.town_id, village_id=case.village_id)
    terms = rules.terms_on(session, rule.id, local(moment).date()) if rule else None
    if terms is None or terms.kind != "earn":
        return None, None
    case.rule_id = rule.id
    session.flush()
    if not first_report and not (terms.first_reporter_only and terms.later_reporter_points):
        return None, None
    reporter = session.get(User, case.reporter_id)
    granted = grant(
        session.connection(),
        rule_id=rule.id,
        resident_id=reporter.id,
        household_id=reporter.household_id,
        at=moment,
        occasion=f"case{case.id}",
        first_report=first_report,
    )
    if granted.points <= 0:
        notices.notify(
            session,
            reporter.id,
            "hazard.capped",
            f"您报告的隐患「{case.title}」已核实，但已达到该项的积分上限，本次不加分。",
        )
        return granted, None
    ensure_within(session, case.village_id, case.town_id, moment, granted.points)
    posting = publicity.hold_award(
        session,
        case=case,
        resident=reporter,
        granted=granted,
        actor_id=actor.id,
        now=moment,
        what="隐患报告",
    )
    return granted, posting


# --- the grid's moves ----------------------------------------------------------------------
def _checked(session: Session, actor: User, case_id: int) -> Case:
    case = machine.read(session, case_id, "hazard")
    policy.ensure_may_handle_hazard(actor, policy.place_of(case), case.reporter_id)
    return case


def verify(session: Session, *, actor: User, case_id: int, now: datetime | None = None) -> Outcome:
    """The hazard is real: its reporter's award is held on notice; the fix's clock starts."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    _, fix_days = deadlines.limits(session, case.village_id, case.town_id)
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "verify",
            ("submitted",),
            "verified",
            verified_at=moment,
            fix_due_at=deadlines.fix_due(moment, fix_days),
            decided_by=actor.id,
            decided_at=moment,
            updated_by=actor.id,
        )
        granted, posting = _award(session, case, actor, moment, first_report=True)
        machine.record(session, actor.id, "verify", case, "submitted")
    return Outcome(case, granted, posting)


def reject(
    session: Session, *, actor: User, case_id: int, reason: object, now: datetime | None = None
) -> Outcome:
    """Not a hazard (or not one the grid can act on): the reporter is told why."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    text = publicity.clean_reason(reason)
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "reject",
            ("submitted",),
            "rejected",
            reason=text,
            decided_by=actor.id,
            decided_at=moment,
            updated_by=actor.id,
        )
        notices.notify(
            session,
            case.reporter_id,
            "hazard.rejected",
            f"您报告的隐患「{case.title}」未被采纳。原因：{text}",
        )
        machine.record(session, actor.id, "reject", case, "submitted")
    return Outcome(case)


def mark_duplicate(
    session: Session,
    *,
    actor: User,
    case_id: int,
    duplicate_of: object,
    now: datetime | None = None,
) -> Outcome:
    """The same hazard as an earlier verified report of the village: the first reporter keeps
    the full award; this one gets the rule's lesser amount (or nothing)."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    try:
        original_id = int(duplicate_of)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadCase(detail=Msgid(N_("请填写重复的是哪一条隐患（编号）"))) from None
    original = session.get(Case, original_id)
    if (
        original is None
        or original.kind != "hazard"
        or original.id == case.id
        or original.village_id != case.village_id
        or original.status not in REAL_HAZARDS
    ):
        raise BadCase(detail=Msgid(N_("重复的应是本村已核实的另一条隐患")))
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "duplicate",
            ("submitted",),
            "duplicate",
            duplicate_of=original.id,
            decided_by=actor.id,
            decided_at=moment,
            updated_by=actor.id,
        )
        granted, posting = _award(session, case, actor, moment, first_report=False)
        notices.notify(
            session,
            case.reporter_id,
            "hazard.duplicate",
            f"您报告的隐患「{case.title}」与第 {original.id} 号报告是同一处隐患，已合并处理。",
        )
        machine.record(session, actor.id, "duplicate", case, "submitted")
    return Outcome(case, granted, posting)


def assign(
    session: Session,
    *,
    actor: User,
    case_id: int,
    assignee_id: object = None,
    department: object = "",
    now: datetime | None = None,
) -> Outcome:
    """Hand the fix to a grid worker of the village, or to a department by name (交办)."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    dept = clean_text(department, MAX_DEPARTMENT, N_("部门名称不超过 60 字"), required=False)
    worker = None
    if assignee_id not in (None, ""):
        try:
            worker = session.get(User, int(assignee_id))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            worker = None
        if worker is None or worker.role != Role.STAFF or worker.village_id != case.village_id:
            raise BadCase(detail=Msgid(N_("只能交给本村的网格员，或写明部门")))
    if (worker is None) == (not dept):
        raise BadCase(detail=Msgid(N_("请选择一位网格员或写明一个部门（二选一）")))
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "assign",
            ("verified", "assigned"),
            "assigned",
            assignee_id=worker.id if worker else None,
            assignee_dept=dept,
            assigned_at=moment,
            updated_by=actor.id,
        )
        if worker is not None and worker.id != actor.id:
            notices.notify(
                session, worker.id, "hazard.assigned", f"隐患「{case.title}」交由您整改。"
            )
        machine.record(session, actor.id, "assign", case, "verified")
    return Outcome(case)


def may_fix(session: Session, actor: User, case_id: int) -> Case:
    """The hazard, if the actor may record its fix (before the door stores any photo)."""
    case = machine.read(session, case_id, "hazard")
    policy.ensure_may_fix_hazard(actor, policy.place_of(case), case.reporter_id, case.assignee_id)
    return case


def fix(
    session: Session,
    *,
    actor: User,
    case_id: int,
    photos: list[str],
    note: object = "",
    now: datetime | None = None,
) -> Outcome:
    """The hazard is fixed: a photo of the fix (1–4); the reporter is asked to rate it."""
    moment = now or utcnow()
    case = may_fix(session, actor, case_id)
    words = clean_text(note, MAX_DESCRIPTION, N_("说明不超过 2000 字"), required=False)
    if not 1 <= len(photos) <= machine.MAX_PHOTOS:
        raise BadCase(detail=Msgid(N_("请附 1 到 4 张整改后的照片")))
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "fix",
            ("assigned",),
            "fixed",
            fixed_at=moment,
            updated_by=actor.id,
            **({"followup": words} if words else {}),
        )
        machine.add_photos(session, case, photos, "fix", moment)
        notices.notify(
            session,
            case.reporter_id,
            "hazard.fixed",
            f"您报告的隐患「{case.title}」已整改完成，请在“我的隐患报告”里评价。",
        )
        machine.record(session, actor.id, "fix", case, "assigned")
    return Outcome(case)


def close(session: Session, *, actor: User, case_id: int, now: datetime | None = None) -> Outcome:
    """Close a fixed hazard (办结) — the reporter may still rate it once."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    with write_transaction(session):
        case = machine.move(
            session, case, "close", ("fixed",), "closed", closed_at=moment, updated_by=actor.id
        )
        machine.record(session, actor.id, "close", case, "fixed")
    return Outcome(case)


class BadRating(BadCase):
    code = "invalid_rating"


def rate(
    session: Session,
    *,
    actor: User,
    case_id: int,
    rating: object,
    comment: object = "",
    now: datetime | None = None,
) -> Outcome:
    """The reporter rates the fix (1–5 stars, a comment), once; a fixed hazard is closed."""
    moment = now or utcnow()
    case = machine.read(session, case_id, "hazard")
    policy.ensure_may_rate_hazard(actor, case.reporter_id)
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating.strip())
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise BadRating(detail=Msgid(N_("评价应为 1 到 5 颗星")))
    words = clean_text(comment, 200, N_("评价不超过 200 字"), required=False)
    before = case.status
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "rate",
            ("fixed", "closed"),
            "closed",
            extra_where=Case.rating.is_(None),
            rating=rating,
            rating_comment=words,
            closed_at=func.coalesce(Case.closed_at, moment),
        )
        machine.record(session, actor.id, "rate", case, before)
    return Outcome(case)


# --- reading ------------------------------------------------------------------------------
def view(session: Session, case: Case, *, now: datetime | None = None) -> dict:
    """A hazard as its reporter and the grid see it (never shown publicly)."""
    moment = now or utcnow()
    pictures = machine.photos_of(session, case.id)
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    return {
        "id": case.id,
        "kind": case.kind,
        "status": case.status,
        "title": case.title,
        "description": case.description,
        "place_text": case.place_text,
        "lat": case.lat,
        "lng": case.lng,
        "village_id": case.village_id,
        "grid_id": case.grid_id,
        "reporter_id": case.reporter_id,
        "reason": case.reason or None,
        "duplicate_of": case.duplicate_of,
        "assignee": (assignee.name if assignee else case.assignee_dept) or None,
        "rating": case.rating,
        "rating_comment": case.rating_comment or None,
        "photos": [p.id for p in pictures if p.role == "report"],
        "fix_photos": [p.id for p in pictures if p.role == "fix"],
        "verify_due_at": stamp(case.verify_due_at),
        "fix_due_at": stamp(case.fix_due_at),
        "overdue": deadlines.is_overdue(case, moment),
        "created_at": stamp(case.created_at),
        "verified_at": stamp(case.verified_at),
        "fixed_at": stamp(case.fixed_at),
        "closed_at": stamp(case.closed_at),
        # For pages: in Shanghai, the last day of each deadline.
        "created_local": local_time(case.created_at),
        "verify_last_day": _last_day(case.verify_due_at),
        "fix_last_day": _last_day(case.fix_due_at),
    }


def _last_day(due: datetime | None) -> str:
    return local_time(due - timedelta(seconds=1), "%Y-%m-%d") if due else ""


def get_for(session: Session, actor: User, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.kind != "hazard":
        raise NotFound(what=f"隐患 {case_id}")
    policy.ensure_may_see_case(actor, policy.place_of(case), case.reporter_id, case.kind)
    return case


def mine(session: Session, reporter: User, *, limit: int = 50) -> list[Case]:
    return machine.reported_by(session, reporter.id, "hazard", limit=limit)


def queue(
    session: Session,
    actor: User,
    *,
    statuses: tuple[str, ...] = OPEN,
    overdue_at: datetime | None = None,
    village_id: int | None = None,
    limit: int = 200,
) -> list[Case]:
    """Hazards in the actor's reach (grid workers: their grids'), oldest first; only the
    overdue ones when `overdue_at` is given."""
    policy.ensure_staff(actor)
    query = (
        select(Case)
        .where(Case.kind == "hazard", Case.status.in_(statuses))
        .where(policy.within(actor, village=Case.village_id, town=Case.town_id, grid=Case.grid_id))
        .order_by(Case.id)
        .limit(limit)
    )
    if overdue_at is not None:
        query = query.where(deadlines.overdue_clause(overdue_at))
    if village_id is not None:
        query = query.where(Case.village_id == village_id)
    return list(session.scalars(query))
