"""cases: claims (申报), their awards held on public notice (公示), objections

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind in ('claim')", name=op.f("ck_cases_kind")),
        sa.CheckConstraint(
            "status in ('submitted', 'approved', 'rejected')", name=op.f("ck_cases_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_cases_decided_by_users")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_cases_grid_id_grids")),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_cases_reporter_id_users")
        ),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], name=op.f("fk_cases_rule_id_rules")),
        sa.ForeignKeyConstraint(["town_id"], ["towns.id"], name=op.f("fk_cases_town_id_towns")),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_cases_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index("ix_cases_village_status", "cases", ["village_id", "status"])
    op.create_index("ix_cases_reporter", "cases", ["reporter_id", "created_at"])
    op.create_table(
        "postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("rule_name", sa.String(length=60), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("hold_transfer_id", sa.Integer(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status in ('open', 'posted', 'voided')", name=op.f("ck_postings_status")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_postings_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["hold_transfer_id"],
            ["transfers.id"],
            name=op.f("fk_postings_hold_transfer_id_transfers"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["users.id"], name=op.f("fk_postings_resident_id_users")
        ),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], name=op.f("fk_postings_rule_id_rules")),
        sa.ForeignKeyConstraint(["town_id"], ["towns.id"], name=op.f("fk_postings_town_id_towns")),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_postings_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postings")),
        sa.UniqueConstraint("case_id", name=op.f("uq_postings_case_id")),
        sa.UniqueConstraint("hold_transfer_id", name=op.f("uq_postings_hold_transfer_id")),
    )
    op.create_index("ix_postings_village_status", "postings", ["village_id", "status", "ends_at"])
    op.create_index("ix_postings_due", "postings", ["status", "ends_at"])
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("objector_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status in ('open', 'upheld', 'dismissed')", name=op.f("ck_objections_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_objections_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["objector_id"], ["users.id"], name=op.f("fk_objections_objector_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["postings.id"], name=op.f("fk_objections_posting_id_postings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
        sa.UniqueConstraint("posting_id", "objector_id", name=op.f("uq_objections_posting_id")),
    )
    op.create_index("ix_objections_posting_id", "objections", ["posting_id"])


def downgrade():
    op.drop_index("ix_objections_posting_id", table_name="objections")
    op.drop_table("objections")
    op.drop_index("ix_postings_due", table_name="postings")
    op.drop_index("ix_postings_village_status", table_name="postings")
    op.drop_table("postings")
    op.drop_index("ix_cases_reporter", table_name="cases")
    op.drop_index("ix_cases_village_status", table_name="cases")
    op.drop_table("cases")
