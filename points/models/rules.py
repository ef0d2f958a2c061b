"""The rule book (积分细则): books, their adopted versions, rules, each rule's wording per
version, and how much of each cap a resident or household has used in a period."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
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

RULE_KINDS = ("earn", "deduct")
RULE_UNITS = ("event", "report", "case", "hour")
RULE_SUBJECTS = ("resident", "household")
CONFIRMERS = ("staff", "village_admin")


class RuleBook(Base):
    """A town's book (village_id null) or a village's additions to its town's book.

    `place` names the owner in one column ('t<town id>' or 'v<village id>'), so each place
    has at most one book.
    """

    __tablename__ = "rule_books"

    id: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(16), unique=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RuleBookVersion(Base):
    """One adopted version of a book, in force from a Shanghai calendar day."""

    __tablename__ = "rule_book_versions"
    __table_args__ = (
        UniqueConstraint("book_id", "number"),
        Index("ix_rule_book_versions_book_from", "book_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("rule_books.id"))
    number: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date]
    adopted_on: Mapped[date | None]
    adopted_by: Mapped[str] = mapped_column(String(60), default="")  # 村民代表大会 …
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[str | None] = mapped_column(String(200))  # a scanned record, uploads/
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rule(Base):
    """A rule's identity across versions: its code within its book."""

    __tablename__ = "rules"
    __table_args__ = (UniqueConstraint("book_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("rule_books.id"))
    code: Mapped[str] = mapped_column(String(32))


class RuleVersion(Base):
    """What one rule says in one version of its book.

    Points: a fixed amount (`points`), tiers (`tiers`: [{name, name_en, points}]) or, for
    rules carried over from the old categories, an amount set per event up to `points_max`.
    Caps: [{per: resident|household, period: day|week|month|year|event, max_times?,
    max_points?}]; times count units (an hour of volunteering is one time).
    """

    __tablename__ = "rule_versions"
    __table_args__ = (
        UniqueConstraint("rule_id", "book_version_id"),
        CheckConstraint(one_of("kind", RULE_KINDS), name="kind"),
        CheckConstraint(one_of("unit", RULE_UNITS), name="unit"),
        CheckConstraint(one_of("confirm_by", CONFIRMERS), name="confirm_by"),
        Index("ix_rule_versions_book_version", "book_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    book_version_id: Mapped[int] = mapped_column(ForeignKey("rule_book_versions.id"))
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(8), default="earn")
    points: Mapped[int | None] = mapped_column(Integer)
    points_max: Mapped[int | None] = mapped_column(Integer)
    tiers: Mapped[Any | None] = mapped_column(JSON)
    unit: Mapped[str] = mapped_column(String(8), default="event")
    caps: Mapped[Any] = mapped_column(JSON, default=list)
    first_reporter_only: Mapped[bool] = mapped_column(Boolean, default=False)
    later_reporter_points: Mapped[int | None] = mapped_column(Integer)
    confirm_by: Mapped[str] = mapped_column(String(16), default="staff")
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    publicity_days: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Whom the item is about: a resident (points to their account) or a whole household
    # (points to the household's yearly score only: points.households.items).
    subject: Mapped[str] = mapped_column(String(10), default="resident", server_default="resident")


class CapUsage(Base):
    """How much of a rule's caps one holder used in one period: times (units) and points.

    holder: 'r<resident id>' or 'h<household id>'; period: 'd2026-11-29', 'w2026-48',
    'm2026-11', 'y2026' (Shanghai calendar) or 'e<occasion>' (one event, one case).
    Changed only by guarded relative UPDATEs inside the award's transaction.
    """

    __tablename__ = "cap_usage"
    __table_args__ = (CheckConstraint("times >= 0 and points >= 0", name="not_negative"),)

    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"), primary_key=True)
    holder: Mapped[str] = mapped_column(String(24), primary_key=True)
    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    times: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[int] = mapped_column(Integer, default=0)
