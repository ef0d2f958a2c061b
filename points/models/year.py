"""The scheme's year: expiry warnings sent (once per lot date and resident)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base, utcnow


class ExpiryWarning(Base):
    """A resident was told that points of theirs expire after `last_day` (sent once)."""

    __tablename__ = "expiry_warnings"
    __table_args__ = (UniqueConstraint("account_id", "last_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    last_day: Mapped[date]
    points: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
