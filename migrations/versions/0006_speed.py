"""speed: the ledger's verification checkpoint; the dashboards' monthly rollup

`verify-ledger` goes on from where the last clean verification ended: the sealed checkpoint
(ledger_checkpoints, one row) and every account's counters as of it. The dashboards read
each village's points issued and redeemed per month from ledger_months, rolled up from the
transfers after rollup_marks' mark.

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("scrubbed_to", sa.BigInteger(), nullable=False),
        sa.Column("accounts", sa.BigInteger(), nullable=False),
        sa.Column("sums", sa.String(200), nullable=False),
        sa.Column("seal", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_checkpoints"),
    )
    op.create_table(
        "ledger_checkpoint_balances",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("debits_posted", sa.BigInteger(), nullable=False),
        sa.Column("credits_posted", sa.BigInteger(), nullable=False),
        sa.Column("debits_pending", sa.BigInteger(), nullable=False),
        sa.Column("credits_pending", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_ledger_checkpoint_balances_account_id_accounts",
        ),
        sa.PrimaryKeyConstraint("account_id", name="pk_ledger_checkpoint_balances"),
    )


    op.create_table(
        "ledger_months",
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("issued", sa.BigInteger(), nullable=False),
        sa.Column("redeemed", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name="fk_ledger_months_village_id_villages"
        ),
        sa.PrimaryKeyConstraint("village_id", "month", name="pk_ledger_months"),
    )
    op.create_table(
        "rollup_marks",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_rollup_marks"),
    )


def downgrade() -> None:
    op.drop_table("rollup_marks")
    op.drop_table("ledger_months")
    op.drop_table("ledger_checkpoint_balances")
    op.drop_table("ledger_checkpoints")
