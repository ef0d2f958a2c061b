"""Work in the field: scans made without a network and uploaded later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base, utcnow


class OfflineScan(Base):
    """One scan made offline, by its client-made key: uploaded any number of times, judged once.

    `key` is unique in the whole table, so a retried upload finds the first answer instead
    of judging the scan again."""

    __tablename__ = "offline_scans"
    __table_args__ = (Index("ix_offline_scans_event", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"))
    device_id: Mapped[str] = mapped_column(String(64), default="")
    scanned_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(12))  # awarded | already
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActingSession(Base):
    """代办: a grid worker acting for a resident who is present, for a few minutes.

    Every action taken in it is audited as done by `actor_id` for `resident_id`."""

    __tablename__ = "acting_sessions"
    __table_args__ = (Index("ix_acting_sessions_actor", "actor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(12))  # done | logout | expired
