"""year: expiry warnings (expiry itself is `expire` transfers), households' consent to the
bank (积分贷) and the statements issued

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "expiry_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_expiry_warnings_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expiry_warnings")),
        sa.UniqueConstraint("account_id", "last_day", name=op.f("uq_expiry_warnings_account_id")),
    )
    op.create_table(
        "household_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_consents_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_household_consents_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_consents")),
        sa.UniqueConstraint("household_id", name=op.f("uq_household_consents_household_id")),
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("head_id", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_statements_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_statements_issued_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint("token", name=op.f("uq_statements_token")),
    )
    op.create_index(
        op.f("ix_statements_household_id"), "statements", ["household_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_statements_household_id"), table_name="statements")
    op.drop_table("statements")
    op.drop_table("household_consents")
    op.drop_table("expiry_warnings")
