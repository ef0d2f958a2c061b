"""In-app notices: short messages to one person (e.g. "your redemption was approved")."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from points.db import write_transaction
from points.models import Notice, utcnow


def notify(session: Session, user_id: int, kind: str, message: str) -> Notice:
    """Add a notice to the caller's transaction."""
    notice = Notice(user_id=user_id, kind=kind, message=message)
    session.add(notice)
    return notice


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
    )


def recent(session: Session, user_id: int, *, limit: int = 20) -> list[Notice]:
    """A person's newest notices, unread first."""
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.user_id == user_id)
            .order_by(Notice.read_at.is_not(None), Notice.id.desc())
            .limit(limit)
        )
    )


def mark_read(session: Session, user_id: int, notice_ids: list[int] | None = None) -> int:
    """Mark a person's notices read (all of them when no ids are given); return how many."""
    with write_transaction(session):
        query = update(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
        if notice_ids is not None:
            query = query.where(Notice.id.in_(notice_ids))
        result = session.execute(
            query.values(read_at=utcnow()).execution_options(synchronize_session=False)
        )
    return result.rowcount
