"""Households and the people of the scheme, with their role and their place in the tree."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from points.models.base import Base, one_of, utcnow
from points.models.places import Grid, Village, grid_staff


class Role(enum.StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    VILLAGE_ADMIN = "village_admin"
    TOWN_ADMIN = "town_admin"
    CITY_ADMIN = "city_admin"


ROLES = tuple(role.value for role in Role)


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("village_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    village: Mapped[Village] = relationship()


class User(Base):
    """A person: resident, grid worker (staff), village, town or city admin.

    Their scope is a node of the tree: a city admin the whole city, a town admin their town
    (`town_id`), everyone else their village (`village_id`, and `town_id` its town); a
    resident lives in a grid (`grid_id`), a grid worker serves the grids in `grids`.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(
            f"(role = '{Role.CITY_ADMIN}' and town_id is null and village_id is null)"
            f" or (role = '{Role.TOWN_ADMIN}' and town_id is not null and village_id is null)"
            f" or (role not in ('{Role.CITY_ADMIN}', '{Role.TOWN_ADMIN}')"
            " and town_id is not null and village_id is not null)",
            name="place",
        ),
        # A place's residents counted from the index alone (dashboards, the villages' board).
        Index("ix_users_role_village_active", "role", "village_id", "active"),
        # The few who left the leaderboard, read as a set the boards leave out.
        Index(
            "ix_users_opted_out",
            "id",
            postgresql_where=text("leaderboard_opt_out"),
            sqlite_where=text("leaderboard_opt_out"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.RESIDENT.value, index=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    leaderboard_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    card_version: Mapped[int] = mapped_column(Integer, default=1)
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    # Raised by logging out: every page session and remember-me cookie of the user ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village: Mapped[Village | None] = relationship()
    household: Mapped[Household | None] = relationship()
    grid: Mapped[Grid | None] = relationship(foreign_keys=[grid_id])
    grids: Mapped[list[Grid]] = relationship(secondary=grid_staff, order_by=Grid.id)

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
        return f"{self.id}:{self.token_version}:{self.session_version}"

    @property
    def grid_ids(self) -> frozenset[int]:
        """The grids a grid worker serves."""
        return frozenset(grid.id for grid in self.grids)

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.VILLAGE_ADMIN, Role.TOWN_ADMIN, Role.CITY_ADMIN)

    @property
    def is_staff(self) -> bool:
        return self.role != Role.RESIDENT
