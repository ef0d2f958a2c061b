"""lists: appeals against entries of public lists, households' own points, and whom a rule
item is about (a resident or a household)

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rule_versions") as batch:
        batch.add_column(
            sa.Column("subject", sa.String(length=10), nullable=False, server_default="resident")
        )
    op.create_table(
        "list_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list", sa.String(length=12), nullable=False),
        sa.Column("entry", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("request", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "list IN ('board', 'red', 'black', 'publicity')", name=op.f("ck_list_appeals_list")
        ),
        sa.CheckConstraint(
            "request IN ('correct', 'remove')", name=op.f("ck_list_appeals_request")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'upheld', 'dismissed')", name=op.f("ck_list_appeals_status")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["users.id"], name=op.f("fk_list_appeals_subject_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_list_appeals_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_list_appeals_town_id_towns")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_list_appeals_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_appeals")),
    )
    op.create_index("ix_list_appeals_entry", "list_appeals", ["list", "entry", "status"])
    op.create_index("ix_list_appeals_village_status", "list_appeals", ["village_id", "status"])
    op.create_table(
        "household_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("rule_version_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("points <> 0", name=op.f("ck_household_items_points_not_zero")),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_items_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_household_items_town_id_towns")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_household_items_village_id_villages")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["rules.id"], name=op.f("fk_household_items_rule_id_rules")
        ),
        sa.ForeignKeyConstraint(
            ["rule_version_id"],
            ["rule_versions.id"],
            name=op.f("fk_household_items_rule_version_id_rule_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_household_items_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_items")),
    )
    op.create_index(
        "ix_household_items_household_year", "household_items", ["household_id", "year"]
    )
    op.create_index("ix_household_items_village_year", "household_items", ["village_id", "year"])


def downgrade():
    op.drop_index("ix_household_items_village_year", table_name="household_items")
    op.drop_index("ix_household_items_household_year", table_name="household_items")
    op.drop_table("household_items")
    op.drop_index("ix_list_appeals_village_status", table_name="list_appeals")
    op.drop_index("ix_list_appeals_entry", table_name="list_appeals")
    op.drop_table("list_appeals")
    with op.batch_alter_table("rule_versions") as batch:
        batch.drop_column("subject")
