"""hazards: hazard reports (隐患) and disputes (矛盾纠纷) as cases, their photos, parties and
mediators; a dispute's award is one posting per mediator

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATUSES = (
    "submitted",
    "approved",
    "rejected",
    "verified",
    "duplicate",
    "assigned",
    "fixed",
    "closed",
    "found",
    "mediating",
    "resolved",
    "failed",
    "handed_on",
)


def _in(column, values):
    return f"{column} in ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cases_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_cases_status"), type_="check")
        batch_op.alter_column("rule_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column("place_text", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("lng", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("assignee_dept", sa.String(length=60), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.SmallInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("rating_comment", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("tier", sa.String(length=30), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("followup", sa.Text(), nullable=False, server_default=""))
        for name in (
            "verify_due_at",
            "fix_due_at",
            "verified_at",
            "assigned_at",
            "fixed_at",
            "closed_at",
            "followup_at",
        ):
            batch_op.add_column(sa.Column(name, sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_cases_kind"), _in("kind", ("claim", "hazard", "dispute"))
        )
        batch_op.create_check_constraint(op.f("ck_cases_status"), _in("status", STATUSES))
        batch_op.create_check_constraint(
            op.f("ck_cases_rating"), "rating is null or (rating between 1 and 5)"
        )
        batch_op.create_foreign_key(
            op.f("fk_cases_assignee_id_users"), "users", ["assignee_id"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_cases_duplicate_of_cases"), "cases", ["duplicate_of"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_cases_updated_by_users"), "users", ["updated_by"], ["id"]
        )
        batch_op.create_index("ix_cases_kind_status", ["kind", "status", "village_id"])
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_postings_case_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_postings_case_resident"), ["case_id", "resident_id"]
        )
    op.create_table(
        "case_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role in ('report', 'fix', 'agreement')", name=op.f("ck_case_photos_role")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_photos_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_photos")),
    )
    op.create_index("ix_case_photos_case", "case_photos", ["case_id", "role", "position"])
    op.create_table(
        "case_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_parties_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_parties")),
    )
    op.create_index("ix_case_parties_case_id", "case_parties", ["case_id"])
    op.create_table(
        "case_mediators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_mediators_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_mediators_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_mediators")),
        sa.UniqueConstraint("case_id", "user_id", name=op.f("uq_case_mediators_case_id")),
    )
    op.create_index("ix_case_mediators_case_id", "case_mediators", ["case_id"])


def downgrade():
    op.drop_index("ix_case_mediators_case_id", table_name="case_mediators")
    op.drop_table("case_mediators")
    op.drop_index("ix_case_parties_case_id", table_name="case_parties")
    op.drop_table("case_parties")
    op.drop_index("ix_case_photos_case", table_name="case_photos")
    op.drop_table("case_photos")
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_postings_case_resident"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_postings_case_id"), ["case_id"])
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_kind_status")
        batch_op.drop_constraint(op.f("fk_cases_updated_by_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_cases_duplicate_of_cases"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_cases_assignee_id_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_cases_rating"), type_="check")
        batch_op.drop_constraint(op.f("ck_cases_status"), type_="check")
        batch_op.drop_constraint(op.f("ck_cases_kind"), type_="check")
        for name in (
            "updated_by",
            "followup_at",
            "closed_at",
            "fixed_at",
            "assigned_at",
            "verified_at",
            "fix_due_at",
            "verify_due_at",
            "followup",
            "tier",
            "rating_comment",
            "rating",
            "duplicate_of",
            "assignee_dept",
            "assignee_id",
            "lng",
            "lat",
            "place_text",
        ):
            batch_op.drop_column(name)
        batch_op.alter_column("rule_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_cases_kind"), "kind in ('claim')")
        batch_op.create_check_constraint(
            op.f("ck_cases_status"), "status in ('submitted', 'approved', 'rejected')"
        )
