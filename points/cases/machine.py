"""What the cases share: a new case's row (claims too); for hazard reports and disputes,
their states' words, the refusal of a move the state does not allow, the guarded move itself,
photos and the reader's view of a case.

A move is one guarded `UPDATE cases … WHERE id = ? AND kind = ? AND status IN (…)` inside
the caller's write transaction: of two people acting on one case at once only one moves it
(PostgreSQL re-reads the row after the first commits and finds its status changed; SQLite has
one writer), and the other is told the state it is in now (409), with nothing written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.errors import N_, DomainError, Msgid, NotFound
from points.models import Case, CasePhoto

KIND_LABELS = {"claim": N_("申报"), "hazard": N_("隐患报告"), "dispute": N_("纠纷案件")}
STATUS_LABELS = {
    "hazard": {
        "submitted": N_("待核实"),
        "verified": N_("已核实"),
        "rejected": N_("未采纳"),
        "duplicate": N_("重复报告"),
        "assigned": N_("整改中"),
        "fixed": N_("已整改"),
        "closed": N_("已办结"),
    },
    "dispute": {
        "found": N_("已排查"),
        "mediating": N_("调解中"),
        "resolved": N_("调解成功"),
        "failed": N_("调解未成"),
        "handed_on": N_("已移交"),
    },
}
ACTION_LABELS = {
    "verify": N_("核实"),
    "reject": N_("不予采纳"),
    "duplicate": N_("标为重复"),
    "assign": N_("交办"),
    "fix": N_("登记整改"),
    "close": N_("办结"),
    "rate": N_("评价"),
    "mediate": N_("开始调解"),
    "resolve": N_("登记调解成功"),
    "fail": N_("登记调解未成"),
    "hand_on": N_("移交"),
    "follow_up": N_("登记回访"),
}
MAX_PHOTOS = 4


class CaseMoveRefused(DomainError):
    """The case is not in a state that allows the action (409, with its state)."""

    code = "illegal_transition"
    category = "conflict"
    template = N_("%(kind)s %(id)s 现在是「%(status)s」，不能%(action)s。")

    def __init__(self, case: Case, action: str) -> None:
        labels = STATUS_LABELS.get(case.kind, {})
        super().__init__(
            kind=Msgid(KIND_LABELS[case.kind]),
            id=case.id,
            status=Msgid(labels.get(case.status, case.status)),
            action=Msgid(ACTION_LABELS[action]),
        )
        self.status = case.status
        self.details = {"status": case.status}


class BadCase(DomainError):
    code = "invalid_case"
    template = N_("填写有误：%(detail)s")


def clean_text(value: object, limit: int, what: str, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise BadCase(detail=Msgid(what))
    if len(text) > limit:
        raise BadCase(detail=Msgid(what))
    return text


def read(session: Session, case_id: int, kind: str) -> Case:
    """The case as stored now (fresh from the database), or NotFound."""
    case = session.scalar(
        select(Case)
        .where(Case.id == case_id, Case.kind == kind)
        .execution_options(populate_existing=True)
    )
    if case is None:
        raise NotFound(what=f"{'隐患' if kind == 'hazard' else '纠纷'} {case_id}")
    return case


def new_case(
    session: Session,
    kind: str,
    status: str,
    *,
    reporter_id: int,
    place: policy.Place,
    title: str,
    description: str,
    now: datetime,
    **details,
) -> Case:
    """A new case of `kind` in its first `status`, where it belongs, added and flushed (its
    id known) in the caller's write transaction; the caller adds its photos or parties and
    audits it. `details`: the kind's own columns (a claim's rule, a hazard's position …)."""
    case = Case(
        kind=kind,
        status=status,
        reporter_id=reporter_id,
        town_id=place.town_id,
        village_id=place.village_id,
        grid_id=place.grid_id,
        title=title,
        description=description,
        created_at=now,
        **details,
    )
    session.add(case)
    session.flush()
    return case


def move(
    session: Session,
    case: Case,
    action: str,
    starts: tuple[str, ...],
    end: str,
    *,
    extra_where=None,
    **values,
) -> Case:
    """Move the case from one of `starts` to `end` with a guarded UPDATE (in the caller's
    write transaction); CaseMoveRefused with the state it is in when another got there."""
    query = update(Case).where(Case.id == case.id, Case.kind == case.kind, Case.status.in_(starts))
    if extra_where is not None:
        query = query.where(extra_where)
    moved = session.execute(
        query.values(status=end, **values).execution_options(synchronize_session=False)
    )
    fresh = read(session, case.id, case.kind)
    if moved.rowcount != 1:
        raise CaseMoveRefused(fresh, action)
    return fresh


def add_photos(session: Session, case: Case, names: list[str], role: str, now: datetime) -> None:
    for position, name in enumerate(names, 1):
        session.add(
            CasePhoto(case_id=case.id, role=role, position=position, name=name, created_at=now)
        )
    session.flush()


def photo_to_show(session: Session, actor, case_id: int, photo_id: int) -> CasePhoto:
    """A case's photo, for whoever may see the case (a hazard: its reporter and the staff over
    it; a dispute: staff only). A photo of another case is not found."""
    case = session.get(Case, case_id)
    picture = session.get(CasePhoto, photo_id)
    if case is None or picture is None or picture.case_id != case.id:
        raise NotFound(what=Msgid(N_("照片")))
    policy.ensure_may_see_case(actor, policy.place_of(case), case.reporter_id, case.kind)
    return picture


def photos_of(session: Session, case_id: int) -> list[CasePhoto]:
    return list(
        session.scalars(
            select(CasePhoto)
            .where(CasePhoto.case_id == case_id)
            .order_by(CasePhoto.role, CasePhoto.position)
        )
    )


def record(session: Session, actor_id: int, action: str, case: Case, before: str) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        action=f"{case.kind}.{action}",
        village_id=case.village_id,
        target_type="case",
        target_id=case.id,
        before={"status": before},
        after={"status": case.status, "reason": case.reason or None},
    )


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment is not None else None


def reported_by(session: Session, person_id: int, kind: str, *, limit: int = 50) -> list[Case]:
    """A person's own cases of one kind, newest first (their "my reports" / "my claims")."""
    return list(
        session.scalars(
            select(Case)
            .where(Case.reporter_id == person_id, Case.kind == kind)
            .order_by(Case.id.desc())
            .limit(limit)
        )
    )
