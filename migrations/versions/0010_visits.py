"""visits: home visits (平安家访 · 民情日记) to households, confirmed by a member

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "home_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("hazard_found", sa.Boolean(), nullable=False),
        sa.Column("dispute_found", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=False),
        sa.Column("confirmation", sa.String(length=12), nullable=False),
        sa.Column("member_points", sa.Integer(), nullable=False),
        sa.Column("worker_points", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "confirmation in ('card', 'in_person')", name=op.f("ck_home_visits_confirmation")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_home_visits_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_home_visits_worker_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_home_visits_town_id_towns")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_home_visits_village_id_villages")
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["grids.id"], name=op.f("fk_home_visits_grid_id_grids")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["users.id"], name=op.f("fk_home_visits_confirmed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_visits")),
        sa.UniqueConstraint(
            "household_id", "worker_id", "day", name=op.f("uq_home_visits_household_id")
        ),
    )
    op.create_index("ix_home_visits_household_day", "home_visits", ["household_id", "day"])
    op.create_index("ix_home_visits_grid_day", "home_visits", ["grid_id", "day"])
    op.create_index(op.f("ix_home_visits_worker_id"), "home_visits", ["worker_id"])
    op.create_index(op.f("ix_home_visits_village_id"), "home_visits", ["village_id"])


def downgrade():
    op.drop_table("home_visits")
