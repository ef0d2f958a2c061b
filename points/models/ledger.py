"""The ledger's tables: accounts, append-only transfers, the chain head.

Account counters follow TigerBeetle: a balance is credits_posted - debits_posted and a
resident's available points are that minus debits_pending.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from points.models.base import Base, one_of, utcnow

ACCOUNT_KINDS = ("resident", "issuance", "redeemed")
TRANSFER_KINDS = ("award", "redeem", "adjust", "reverse", "expire")
TRANSFER_PHASES = ("single", "pending", "post", "void")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(one_of("kind", ACCOUNT_KINDS), name="kind"),
        # The last guard: a resident can never spend what they do not have.
        CheckConstraint(
            "kind <> 'resident' or credits_posted - debits_posted - debits_pending >= 0",
            name="resident_not_overdrawn",
        ),
        CheckConstraint(
            "debits_posted >= 0 and credits_posted >= 0 and debits_pending >= 0 "
            "and credits_pending >= 0",
            name="counters_not_negative",
        ),
        Index("ix_accounts_village_kind", "village_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    debits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    debits_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Defined once, for Python and for SQL: every reader uses these.
    @hybrid_property
    def balance(self) -> int:
        """Posted points: what the account holds."""
        return self.credits_posted - self.debits_posted

    @hybrid_property
    def available(self) -> int:
        """What a resident may spend: posted points less what pending holds take."""
        return self.credits_posted - self.debits_posted - self.debits_pending


class Transfer(Base):
    """One immutable movement of points. A database trigger refuses UPDATE and DELETE.

    Two-phase transfers are three rows: a `pending` hold, later resolved by exactly one
    `post` or `void` row naming it in `pending_id` (unique, so two resolutions can't both win).
    The id is the transfer's position in the hash chain.
    """

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="distinct_accounts"),
        CheckConstraint(one_of("kind", TRANSFER_KINDS), name="kind"),
        CheckConstraint(one_of("phase", TRANSFER_PHASES), name="phase"),
        CheckConstraint(
            "(phase in ('post', 'void')) = (pending_id is not null)", name="resolution"
        ),
        Index("ix_transfers_debit", "debit_account_id", "id"),
        Index("ix_transfers_credit", "credit_account_id", "id"),
        Index("ix_transfers_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    phase: Mapped[str] = mapped_column(String(8), default="single")
    pending_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("transfers.id"), unique=True
    )
    reference: Mapped[str | None] = mapped_column(String(120), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The rule and the version of its book the transfer was made under (null: before the
    # rule book, holds and their resolutions, free-text adjustments and corrections).
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id"))
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("rule_versions.id"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class LedgerHead(Base):
    """The single row holding the chain's head: locking it orders every append."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpoint(Base):
    """Where the last clean verification ended, sealed: `verify` goes on from here.

    One row (id 1). `seal` is an HMAC, under the app's secret key, of the transfer it ends
    at, that transfer's hash, the scrubs' places and the sums of the counters kept in
    ledger_checkpoint_balances, so changing the checkpoint without the key is caught.
    """

    __tablename__ = "ledger_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    scrubbed_to: Mapped[int] = mapped_column(BigInteger)  # the scrub's place in older transfers
    # … and in the accounts (an incremental run compares a window of them with their kept rows)
    accounts_scrubbed_to: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    accounts: Mapped[int] = mapped_column(BigInteger)
    sums: Mapped[str] = mapped_column(String(200))
    seal: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerCheckpointBalance(Base):
    """Each account's counters as the transfers up to the checkpoint give them."""

    __tablename__ = "ledger_checkpoint_balances"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    debits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    debits_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_pending: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerMonth(Base):
    """Points a village issued (net of deductions and reversals back into issuance) and
    took in as redemptions in one local month: the dashboards' series, rolled up from the
    transfers after `RollupMark('ledger_months')` (points/admin/flows.py)."""

    __tablename__ = "ledger_months"

    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-11", Asia/Shanghai
    issued: Mapped[int] = mapped_column(BigInteger, default=0)
    redeemed: Mapped[int] = mapped_column(BigInteger, default=0)
    # Posted points residents of the village took in less what they gave out: summed over
    # every month, what they hold (the dashboards' "outstanding", without reading accounts).
    residents_net: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class RollupMark(Base):
    """How far a rollup has read the transfers (their ids commit in order: the chain)."""

    __tablename__ = "rollup_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
