"""city size: verify's scrub of older accounts, residents' points held per village and month,
indexes for counting a place's residents and
leaving out those who left the leaderboard; the boards' indexes in their own order

The monthly ledger rollup gains `residents_net` (what residents of the village took in less
what they gave out, posted): it is rebuilt from the transfers on the next dashboard read.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
PLACES = ("town", "village", "grid")


def upgrade():
    with op.batch_alter_table("ledger_checkpoints") as batch:
        batch.add_column(
            sa.Column("accounts_scrubbed_to", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("ledger_months") as batch:
        batch.add_column(
            sa.Column("residents_net", sa.BigInteger(), nullable=False, server_default="0")
        )
    # Roll the months up again from the first transfer, with the new column.
    op.execute("DELETE FROM ledger_months")
    op.execute("DELETE FROM rollup_marks WHERE name = 'ledger_months'")
    op.create_index("ix_users_role_village_active", "users", ["role", "village_id", "active"])
    op.drop_index("ix_earned_period_rank", table_name="earned_totals")
    op.create_index(
        "ix_earned_period_rank",
        "earned_totals",
        ["period", sa.desc(sa.column("points")), "reached_at", "resident_id"],
    )
    for place in PLACES:
        op.drop_index(f"ix_earned_period_{place}_rank", table_name="earned_totals")
        op.create_index(
            f"ix_earned_period_{place}_rank",
            "earned_totals",
            ["period", f"{place}_id", sa.desc(sa.column("points")), "reached_at", "resident_id"],
        )
    op.create_index(
        "ix_users_opted_out",
        "users",
        ["id"],
        postgresql_where=sa.text("leaderboard_opt_out"),
        sqlite_where=sa.text("leaderboard_opt_out"),
    )


def downgrade():
    op.drop_index("ix_users_opted_out", table_name="users")
    for place in PLACES:
        op.drop_index(f"ix_earned_period_{place}_rank", table_name="earned_totals")
        op.create_index(
            f"ix_earned_period_{place}_rank",
            "earned_totals",
            ["period", f"{place}_id", "points", "reached_at"],
        )
    op.drop_index("ix_earned_period_rank", table_name="earned_totals")
    op.create_index("ix_earned_period_rank", "earned_totals", ["period", "points", "reached_at"])
    op.drop_index("ix_users_role_village_active", table_name="users")
    with op.batch_alter_table("ledger_months") as batch:
        batch.drop_column("residents_net")
    with op.batch_alter_table("ledger_checkpoints") as batch:
        batch.drop_column("accounts_scrubbed_to")
