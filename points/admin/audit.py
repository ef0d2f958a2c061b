"""The audit log: who did what to which thing, with before and after; and reading it back,
filtered by village, actor, action and date (Asia/Shanghai days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points import policy
from points.clock import day_start_utc
from points.models import AuditEntry, User, Village


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    village_id: int | None = None,
    town_id: int | None = None,
    target_type: str = "",
    target_id: object = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (a village's entry is its town's too)."""
    if town_id is None and village_id is not None:
        village = session.get(Village, village_id)
        town_id = village.town_id if village is not None else None
    entry = AuditEntry(
        actor_id=actor_id,
        town_id=town_id,
        village_id=village_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


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
    """Entries the viewer may see, newest first: one village, or everything in their scope."""
    query = select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.actor_id)
    if flt.village_id is not None:
        village = session.get(Village, flt.village_id)
        town_id = village.town_id if village is not None else None
        policy.ensure_may_see_reports(viewer, policy.Place(town_id, flt.village_id))
        query = query.where(AuditEntry.village_id == flt.village_id)
    else:
        policy.ensure_may_see_reports(viewer, policy.scope_of(viewer))
        query = query.where(
            policy.within(viewer, village=AuditEntry.village_id, town=AuditEntry.town_id)
        )
    if flt.actor_id is not None:
        query = query.where(AuditEntry.actor_id == flt.actor_id)
    if flt.action:
        query = query.where(AuditEntry.action == flt.action)
    if flt.start is not None:
        query = query.where(AuditEntry.created_at >= day_start_utc(flt.start))
    if flt.end is not None:
        query = query.where(AuditEntry.created_at < day_start_utc(flt.end + timedelta(days=1)))
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
    query = query.where(policy.within(viewer, village=User.village_id, town=User.town_id))
    return [(i, n) for i, n in session.execute(query.order_by(User.name))]
