"""Events residents take part in, and their check-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from points.models.base import Base, one_of, utcnow
from points.models.places import Village
from points.models.rules import Rule

EVENT_STATUSES = ("draft", "published", "closed", "cancelled")
QR_MODES = ("rotating", "static")
CHECKIN_METHODS = ("self", "card", "manual")


class EventCategory(Base):
    """A kind of safety work; town_id null: every town's, else one town's own."""

    __tablename__ = "event_categories"
    __table_args__ = (UniqueConstraint("town_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(60))
    default_points: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("capacity is null or capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(one_of("status", EVENT_STATUSES), name="status"),
        CheckConstraint(one_of("qr_mode", QR_MODES), name="qr_mode"),
        Index("ix_events_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("event_categories.id"))
    # The rule its awards are made under (its points lie within the rule).
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id"))
    # A town-wide event has no village; every event belongs to a town.
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    checkin_opens_at: Mapped[datetime]
    checkin_closes_at: Mapped[datetime]
    points: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int | None] = mapped_column(Integer)
    qr_mode: Mapped[str] = mapped_column(String(10), default="rotating")
    # Bumped to revoke every code the event ever issued.
    qr_key_version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="published")
    checkin_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[EventCategory] = relationship()
    rule: Mapped[Rule | None] = relationship()
    village: Mapped[Village | None] = relationship()


class Checkin(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("event_id", "resident_id"),
        CheckConstraint(one_of("method", CHECKIN_METHODS), name="method"),
        Index("ix_checkins_resident_created", "resident_id", "created_at"),
        Index("ix_checkins_village_created", "village_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    method: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    transfer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("transfers.id"))
    points: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The rule version the award was judged under, and the cap that held it back (0 points).
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("rule_versions.id"))
    capped_by: Mapped[str | None] = mapped_column(String(160))

    event: Mapped[Event] = relationship()
