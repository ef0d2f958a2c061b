"""Public lists' appeals and households' own points: what the year's lawful posting and
the household score keep beside the ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base, one_of, utcnow

PUBLIC_LISTS = ("board", "red", "black", "publicity")
APPEAL_REQUESTS = ("correct", "remove")
APPEAL_STATUSES = ("open", "upheld", "dismissed")


class ListAppeal(Base):
    """A named resident asks for an entry of a public list to be corrected or taken down.

    `entry` names the entry within its list: 't<transfer id>' (红榜, 黑榜), 'p<posting id>'
    (公示), 'r<resident id>' (the leaderboards). open → upheld (the entry leaves every
    public page at once) | dismissed; only a guarded UPDATE … WHERE status='open' moves it.
    """

    __tablename__ = "list_appeals"
    __table_args__ = (
        CheckConstraint(one_of("list", PUBLIC_LISTS), name="list"),
        CheckConstraint(one_of("request", APPEAL_REQUESTS), name="request"),
        CheckConstraint(one_of("status", APPEAL_STATUSES), name="status"),
        Index("ix_list_appeals_entry", "list", "entry", "status"),
        Index("ix_list_appeals_village_status", "village_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list: Mapped[str] = mapped_column(String(12))
    entry: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the person named
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    request: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HouseholdItem(Base):
    """Points a household (not one member) got under a household rule of the book.

    They count in the household's yearly score only: nobody's account holds them, so they
    are never spent, expire or show in a resident's balance. Append-only; `points` is
    signed (a deduct rule's item is negative).
    """

    __tablename__ = "household_items"
    __table_args__ = (
        CheckConstraint("points <> 0", name="points_not_zero"),
        Index("ix_household_items_household_year", "household_id", "year"),
        Index("ix_household_items_village_year", "village_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    rule_version_id: Mapped[int] = mapped_column(ForeignKey("rule_versions.id"))
    points: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)  # the Shanghai year it counts in
    memo: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
