"""Points earned and participation per period, kept beside every write for the leaderboard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base


class EarnedTotal(Base):
    """Points a resident earned in a period ('all', 'y2026', 'm2026-11', Asia/Shanghai).

    `reached_at` is when the total last changed: of two equal totals, the earlier one
    reached it first and ranks first.
    """

    __tablename__ = "earned_totals"
    __table_args__ = (
        UniqueConstraint("period", "resident_id"),
        Index("ix_earned_period_household", "period", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    reached_at: Mapped[datetime]


# Each scope's ranking index in the board's own order (points down, then who reached them
# first, then id): a top 50 reads 50 entries however many residents tie on the top score
# (points come in few distinct values, so the tied group grows with the place).
Index(
    "ix_earned_period_rank",
    EarnedTotal.period,
    EarnedTotal.points.desc(),
    EarnedTotal.reached_at,
    EarnedTotal.resident_id,
)
for _place in ("town", "village", "grid"):
    Index(
        f"ix_earned_period_{_place}_rank",
        EarnedTotal.period,
        getattr(EarnedTotal, f"{_place}_id"),
        EarnedTotal.points.desc(),
        EarnedTotal.reached_at,
        EarnedTotal.resident_id,
    )


class Participation(Base):
    """A resident checked in at least once in a period: the villages' participation rate.

    Written beside each check-in (points.earned listens for new Checkin rows); `first_at` is
    the first check-in of the period, so the village whose last newcomer came earliest ranks
    first among equal rates.
    """

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("period", "resident_id"),
        Index("ix_participation_period_village", "period", "village_id"),
        Index("ix_participation_period_town", "period", "town_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    first_at: Mapped[datetime]
