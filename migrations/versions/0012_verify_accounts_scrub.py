"""verify: where the incremental run's scrub of older accounts stopped (in the seal)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ledger_checkpoints") as batch:
        batch.add_column(
            sa.Column("accounts_scrubbed_to", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("ledger_checkpoints") as batch:
        batch.drop_column("accounts_scrubbed_to")
