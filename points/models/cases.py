"""Cases — claims (申报), hazard reports (隐患) and disputes (矛盾纠纷) — their awards on public
notice (公示) and objections to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base, one_of, utcnow

CASE_KINDS = ("claim", "hazard", "dispute")
CLAIM_STATUSES = ("submitted", "approved", "rejected")
HAZARD_STATUSES = (
    "submitted",
    "verified",
    "rejected",
    "duplicate",
    "assigned",
    "fixed",
    "closed",
)
DISPUTE_STATUSES = ("found", "mediating", "resolved", "failed", "handed_on")
CASE_STATUSES = tuple(dict.fromkeys(CLAIM_STATUSES + HAZARD_STATUSES + DISPUTE_STATUSES))
PHOTO_ROLES = ("report", "fix", "agreement")
POSTING_STATUSES = ("open", "posted", "voided")
OBJECTION_STATUSES = ("open", "upheld", "dismissed")


class Case(Base):
    """A case of the grid: a claim of a rule item done without a QR code, a hazard report
    (随手拍) or a dispute (矛盾纠纷). Each kind has its own states (points.cases)."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(one_of("kind", CASE_KINDS), name="kind"),
        CheckConstraint(one_of("status", CASE_STATUSES), name="status"),
        CheckConstraint("rating is null or (rating between 1 and 5)", name="rating"),
        Index("ix_cases_village_status", "village_id", "status"),
        Index("ix_cases_reporter", "reporter_id", "created_at"),
        Index("ix_cases_kind_status", "kind", "status", "village_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="claim")
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Who filed it for the reporter under 代办 (points.people.acting): they may not decide it.
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id"))  # hazards: once awarded
    units: Mapped[int | None] = mapped_column(Integer)  # hours, for an hourly rule
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(80))  # a stored image under uploads/
    reason: Mapped[str] = mapped_column(String(200), default="")  # why it was rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Hazards and disputes. Where: a place in words; a position only if the reporter allows.
    place_text: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignee_dept: Mapped[str] = mapped_column(String(60), default="")
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str] = mapped_column(String(200), default="")
    tier: Mapped[str] = mapped_column(String(30), default="")  # a dispute's difficulty
    followup: Mapped[str] = mapped_column(Text, default="")  # the follow-up visit's note
    verify_due_at: Mapped[datetime | None]  # UTC; the end of the Nth working day
    fix_due_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    fixed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # hazards closed; disputes resolved/failed/handed on
    followup_at: Mapped[datetime | None]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CasePhoto(Base):
    """A photo of a case: the report's (1–4), the fix, a dispute's agreement."""

    __tablename__ = "case_photos"
    __table_args__ = (
        CheckConstraint(one_of("role", PHOTO_ROLES), name="role"),
        Index("ix_case_photos_case", "case_id", "role", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    role: Mapped[str] = mapped_column(String(10), default="report")
    position: Mapped[int] = mapped_column(SmallInteger, default=1)
    name: Mapped[str] = mapped_column(String(80))  # a stored image under uploads/cases
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseParty(Base):
    """A party to a dispute: seen by staff only, never on a public page or answer."""

    __tablename__ = "case_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20), default="")


class CaseMediator(Base):
    """A volunteer mediator (a resident) picked by staff for a dispute."""

    __tablename__ = "case_mediators"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Posting(Base):
    """An award held (a pending transfer) while it is on public notice in its village.

    open → posted (the notice ended with no upheld objection; or no notice at all)
    open → voided (an objection was upheld). Only a guarded UPDATE … WHERE status='open'
    moves it, so two `points tick` runs never post one hold twice.
    """

    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint(one_of("status", POSTING_STATUSES), name="status"),
        UniqueConstraint("case_id", "resident_id", name="uq_postings_case_resident"),
        Index("ix_postings_village_status", "village_id", "status", "ends_at"),
        Index("ix_postings_due", "status", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
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
