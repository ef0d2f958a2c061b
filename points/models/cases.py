"""Cases (申报 claims for now), their awards on public notice (公示) and objections to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base, one_of, utcnow

CASE_KINDS = ("claim",)
CLAIM_STATUSES = ("submitted", "approved", "rejected")
POSTING_STATUSES = ("open", "posted", "voided")
OBJECTION_STATUSES = ("open", "upheld", "dismissed")


class Case(Base):
    """Something a resident asks points for: a claim of a rule item done without a QR code."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(one_of("kind", CASE_KINDS), name="kind"),
        CheckConstraint(one_of("status", CLAIM_STATUSES), name="status"),
        Index("ix_cases_village_status", "village_id", "status"),
        Index("ix_cases_reporter", "reporter_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="claim")
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    units: Mapped[int | None] = mapped_column(Integer)  # hours, for an hourly rule
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(80))  # a stored image under uploads/
    reason: Mapped[str] = mapped_column(String(200), default="")  # why it was rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Posting(Base):
    """An award held (a pending transfer) while it is on public notice in its village.

    open → posted (the notice ended with no upheld objection; or no notice at all)
    open → voided (an objection was upheld). Only a guarded UPDATE … WHERE status='open'
    moves it, so two `points tick` runs never post one hold twice.
    """

    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint(one_of("status", POSTING_STATUSES), name="status"),
        Index("ix_postings_village_status", "village_id", "status", "ends_at"),
        Index("ix_postings_due", "status", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    status: Mapped[str] = mapped_column(String(8), default="open")
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    rule_name: Mapped[str] = mapped_column(String(60))
    points: Mapped[int] = mapped_column(Integer)
    hold_transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), unique=True)
    end_date: Mapped[date]  # the last Shanghai day of the notice
    ends_at: Mapped[datetime]  # the end of end_date in Shanghai, as UTC
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Objection(Base):
    """A neighbour's objection to a posting: once per resident, decided by the village admin."""

    __tablename__ = "objections"
    __table_args__ = (
        UniqueConstraint("posting_id", "objector_id"),
        CheckConstraint(one_of("status", OBJECTION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"), index=True)
    objector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="open")
    decision: Mapped[str] = mapped_column(String(200), default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
