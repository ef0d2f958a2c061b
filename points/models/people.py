"""Villages, households and the people of the scheme."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from points.extensions import db
from points.models.base import utcnow


class Role(enum.StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    VILLAGE_ADMIN = "village_admin"
    TOWN_ADMIN = "town_admin"


class Village(db.Model):
    __tablename__ = "villages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Household(db.Model):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("village_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    village: Mapped[Village] = relationship()


class User(db.Model):
    """A person: resident, grid worker (staff), village admin or town admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role in ('resident', 'staff', 'village_admin', 'town_admin')", name="role"
        ),
        CheckConstraint("role = 'town_admin' or village_id is not null", name="village"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.RESIDENT.value, index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    leaderboard_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    card_version: Mapped[int] = mapped_column(Integer, default=1)
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village: Mapped[Village | None] = relationship()
    household: Mapped[Household | None] = relationship()

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.token_version}"

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.VILLAGE_ADMIN, Role.TOWN_ADMIN)

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.VILLAGE_ADMIN, Role.TOWN_ADMIN)
