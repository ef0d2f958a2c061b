"""Reading the audit log: filter by village, actor, action and date (Asia/Shanghai days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points.auth import ensure_village, sees_all_villages
from points.models import AuditEntry, User
from points.reports import Filter


@dataclass(frozen=True)
class AuditFilter:
    village_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class AuditPage:
    rows: list[tuple[AuditEntry, str | None]]
    total: int


def search(
    session: Session, viewer: User, flt: AuditFilter, *, limit: int = 50, offset: int = 0
) -> AuditPage:
    """Entries the viewer may see, newest first; a village admin sees their village only."""
    query = select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.actor_id)
    if flt.village_id is not None:
        ensure_village(viewer, flt.village_id)
        query = query.where(AuditEntry.village_id == flt.village_id)
    elif not sees_all_villages(viewer):
        query = query.where(AuditEntry.village_id == viewer.village_id)
    if flt.actor_id is not None:
        query = query.where(AuditEntry.actor_id == flt.actor_id)
    if flt.action:
        query = query.where(AuditEntry.action == flt.action)
    start, end = Filter(None, flt.start, flt.end).utc_bounds()
    if start is not None:
        query = query.where(AuditEntry.created_at >= start)
    if end is not None:
        query = query.where(AuditEntry.created_at < end)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return AuditPage([(entry, name) for entry, name in rows], int(total or 0))


def actions(session: Session) -> list[str]:
    """Every action name in the log (for the filter's choices)."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def actors(session: Session, viewer: User) -> list[tuple[int, str]]:
    """People who appear as actors in the entries the viewer may see."""
    query = select(User.id, User.name).where(
        User.id.in_(select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)))
    )
    if not sees_all_villages(viewer):
        query = query.where(User.village_id == viewer.village_id)
    return [(i, n) for i, n in session.execute(query.order_by(User.name))]
