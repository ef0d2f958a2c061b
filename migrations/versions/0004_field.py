"""field: offline scans judged once by their key; 代办 sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offline_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_offline_scans_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_offline_scans_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["users.id"], name=op.f("fk_offline_scans_resident_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkins.id"], name=op.f("fk_offline_scans_checkin_id_checkins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_scans")),
        sa.UniqueConstraint("key", name=op.f("uq_offline_scans_key")),
    )
    op.create_index("ix_offline_scans_event", "offline_scans", ["event_id"])
    op.create_table(
        "acting_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_acting_sessions_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["users.id"], name=op.f("fk_acting_sessions_resident_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acting_sessions")),
    )
    op.create_index("ix_acting_sessions_actor", "acting_sessions", ["actor_id"])


def downgrade():
    op.drop_index("ix_acting_sessions_actor", table_name="acting_sessions")
    op.drop_table("acting_sessions")
    op.drop_index("ix_offline_scans_event", table_name="offline_scans")
    op.drop_table("offline_scans")
