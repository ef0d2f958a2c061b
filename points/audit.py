"""The audit log: who did what to which thing, with before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from points.models import AuditEntry


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    village_id: int | None = None,
    target_type: str = "",
    target_id: object = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction."""
    entry = AuditEntry(
        actor_id=actor_id,
        village_id=village_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry
