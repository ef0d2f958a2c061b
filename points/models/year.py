"""The scheme's year: expiry warnings sent, households' consent, issued statements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
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


class HouseholdConsent(Base):
    """The household's members agreed that their record may go to the bank (积分贷); an
    admin recorded it. Withdrawn consent is a row with `withdrawn_at` set."""

    __tablename__ = "household_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), unique=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]


class StatementIssue(Base):
    """A 积分贷 statement as issued: its figures and the ledger head they were read at, so
    the public page behind its QR code can recompute them and say whether they still agree."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    head_id: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    figures: Mapped[Any] = mapped_column(JSON)
