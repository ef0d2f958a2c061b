"""A resident's ledger lines, as their points history shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from points.models import Transfer


@dataclass
class StatementLine:
    id: int
    amount: int
    kind: str
    memo: str
    created_at: datetime
    status: str


def statement(
    session: Session,
    account_id: int,
    *,
    limit: int = 20,
    offset: int = 0,
    before_id: int | None = None,
) -> list[StatementLine]:
    """Return an account's ledger lines, newest first, as the resident sees them."""
    resolution = aliased(Transfer)
    query = (
        select(Transfer, resolution.phase)
        .outerjoin(resolution, resolution.pending_id == Transfer.id)
        .where(
            or_(Transfer.debit_account_id == account_id, Transfer.credit_account_id == account_id),
            Transfer.phase.in_(("single", "pending")),
        )
        .order_by(Transfer.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if before_id is not None:
        query = query.where(Transfer.id < before_id)
    lines = []
    for t, resolved in session.execute(query):
        if t.phase == "single" or resolved == "post":
            status = "posted"
        else:
            status = "voided" if resolved == "void" else "pending"
        sign = 1 if t.credit_account_id == account_id else -1
        lines.append(StatementLine(t.id, sign * t.amount, t.kind, t.memo, t.created_at, status))
    return lines


def count_lines(session: Session, account_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Transfer)
        .where(
            or_(Transfer.debit_account_id == account_id, Transfer.credit_account_id == account_id),
            Transfer.phase.in_(("single", "pending")),
        )
    )
