"""The points supermarket (积分超市): rewards, stock movements, redemptions."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from points.models.base import Base, one_of, utcnow

REDEMPTION_STATUSES = ("pending", "approved", "fulfilled", "rejected", "cancelled")
STOCK_MOVEMENT_KINDS = ("restock", "reserve", "release", "handover", "correction")


class Reward(Base):
    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("points_cost > 0", name="cost_positive"),
        CheckConstraint("stock is null or stock >= 0", name="stock_not_negative"),
        CheckConstraint("monthly_limit is null or monthly_limit > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A town-wide reward has no village; every reward belongs to a town's catalogue.
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    image_path: Mapped[str | None] = mapped_column(String(200))
    points_cost: Mapped[int] = mapped_column(Integer)
    # null = unlimited; otherwise what is on the shelf and not reserved.
    stock: Mapped[int | None] = mapped_column(Integer)
    monthly_limit: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StockMovement(Base):
    __tablename__ = "stock_movements"
    __table_args__ = (CheckConstraint(one_of("kind", STOCK_MOVEMENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    quantity: Mapped[int] = mapped_column(Integer)
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemptions.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Redemption(Base):
    __tablename__ = "redemptions"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint(one_of("status", REDEMPTION_STATUSES), name="status"),
        Index("ix_redemptions_village_status", "village_id", "status", "created_at"),
        Index("ix_redemptions_resident", "resident_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    hold_transfer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("transfers.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    voucher_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fulfilled_at: Mapped[datetime | None]
    fulfilled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]

    reward: Mapped[Reward] = relationship()
