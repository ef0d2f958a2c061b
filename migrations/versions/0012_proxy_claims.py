"""proxy claims: who filed a claim for its resident under 代办, so they can't decide it

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
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("filed_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_cases_filed_by_users"), "users", ["filed_by"], ["id"])


def downgrade():
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(batch.f("fk_cases_filed_by_users"), type_="foreignkey")
        batch.drop_column("filed_by")
