"""Counters that hold for every worker and host: failed logins and guessed codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base


class AttemptCounter(Base):
    """Failures of one kind by one account (`login:<user id>`, `voucher:<staff id>`, …)
    in the current window, and until when that account is locked out of it."""

    __tablename__ = "attempt_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
