"""Home visits (平安家访 · 民情日记): a grid worker's visit to a household, confirmed by one of
its members, with what was found."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base, one_of, utcnow

CONFIRMATIONS = ("card", "in_person")


class HomeVisit(Base):
    """One visit: one a household, a worker and a Shanghai day (recording it again on the same
    day finds this row instead of a second one)."""

    __tablename__ = "home_visits"
    __table_args__ = (
        UniqueConstraint("household_id", "worker_id", "day"),
        CheckConstraint(one_of("confirmation", CONFIRMATIONS), name="confirmation"),
        Index("ix_home_visits_household_day", "household_id", "day"),
        Index("ix_home_visits_grid_day", "grid_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    day: Mapped[date]  # the Shanghai day of the visit
    visited_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")  # 民情日记: what was found
    follow_up: Mapped[str] = mapped_column(Text, default="")  # what needs doing next
    hazard_found: Mapped[bool] = mapped_column(Boolean, default=False)
    dispute_found: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the member
    confirmation: Mapped[str] = mapped_column(String(12))  # card | in_person
    member_points: Mapped[int] = mapped_column(Integer, default=0)
    worker_points: Mapped[int] = mapped_column(Integer, default=0)
