"""places: city → town → village → grid; roles over the tree

An existing deployment (one town, its villages) becomes one city holding one town that holds
its villages; every person, event, reward, setting and total of that deployment belongs to
that town. The ledger (accounts, transfers, the chain head) is not touched.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# What the existing deployment is called until its city admin renames it.
CITY = {"name": "本市", "code": "CITY"}
TOWN = {"name": "本镇", "code": "TOWN", "points_name": "积分"}

ROLES = "role in ('resident', 'staff', 'village_admin', 'town_admin', 'city_admin')"
PLACE = (
    "(role = 'city_admin' and town_id is null and village_id is null)"
    " or (role = 'town_admin' and town_id is not null and village_id is null)"
    " or (role not in ('city_admin', 'town_admin')"
    " and town_id is not null and village_id is not null)"
)


def _create_tree() -> int | None:
    """Create the places' tables and, for a deployment with villages, the one city and town
    holding them; return that town's id."""
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
        sa.UniqueConstraint("code", name=op.f("uq_cities_code")),
    )
    op.create_table(
        "towns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("points_name", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_towns_city_id_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_towns")),
        sa.UniqueConstraint("code", name=op.f("uq_towns_code")),
    )
    op.create_index(op.f("ix_towns_city_id"), "towns", ["city_id"], unique=False)
    op.create_table(
        "grids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("micro_grid", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_grids_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grids")),
        sa.UniqueConstraint("village_id", "code", name=op.f("uq_grids_village_id")),
    )
    op.create_index(op.f("ix_grids_village_id"), "grids", ["village_id"], unique=False)
    op.create_table(
        "grid_staff",
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_grid_staff_grid_id_grids")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_grid_staff_user_id_users")),
        sa.PrimaryKeyConstraint("grid_id", "user_id", name=op.f("pk_grid_staff")),
    )
    op.create_index(op.f("ix_grid_staff_user_id"), "grid_staff", ["user_id"], unique=False)

    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT count(*) FROM villages")).scalar_one():
        return None  # a fresh database: the first city admin (or the demo) makes the tree
    now = datetime.now(UTC).replace(tzinfo=None)
    cities = sa.table("cities", sa.column("name"), sa.column("code"), sa.column("created_at"))
    bind.execute(cities.insert().values(**CITY, created_at=now))
    city_id = bind.execute(sa.text("SELECT id FROM cities WHERE code = :c"), {"c": CITY["code"]})
    towns = sa.table(
        "towns",
        sa.column("city_id"),
        sa.column("name"),
        sa.column("code"),
        sa.column("points_name"),
        sa.column("created_at"),
    )
    bind.execute(towns.insert().values(city_id=city_id.scalar_one(), **TOWN, created_at=now))
    found = bind.execute(sa.text("SELECT id FROM towns WHERE code = :c"), {"c": TOWN["code"]})
    return found.scalar_one()


def _add_town(
    table: str, town_id: int | None, *, required: bool, index: str | None = None
) -> None:
    """Give every row of `table` the town, as a town_id column."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("town_id", sa.Integer(), nullable=True))
    if town_id is not None:
        op.execute(sa.text(f"UPDATE {table} SET town_id = :town").bindparams(town=town_id))
    with op.batch_alter_table(table) as batch:
        if required:
            batch.alter_column("town_id", existing_type=sa.Integer(), nullable=False)
        if index:
            batch.create_index(index, ["town_id"], unique=False)
        batch.create_foreign_key(op.f(f"fk_{table}_town_id_towns"), "towns", ["town_id"], ["id"])


def _add_grid(table: str, index: str | None = None) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("grid_id", sa.Integer(), nullable=True))
        if index:
            batch.create_index(index, ["grid_id"], unique=False)
        batch.create_foreign_key(op.f(f"fk_{table}_grid_id_grids"), "grids", ["grid_id"], ["id"])


def upgrade():
    town_id = _create_tree()
    _add_town("villages", town_id, required=True, index=op.f("ix_villages_town_id"))
    _add_town("events", town_id, required=True, index=op.f("ix_events_town_id"))
    _add_town("rewards", town_id, required=True, index=op.f("ix_rewards_town_id"))
    _add_town("audit_log", town_id, required=False, index=op.f("ix_audit_log_town_id"))
    _add_town("earned_totals", town_id, required=True)
    _add_town("participations", town_id, required=True)
    _add_grid("earned_totals")
    _add_grid("participations")
    _add_grid("households", op.f("ix_households_grid_id"))
    with op.batch_alter_table("earned_totals") as batch:
        batch.create_index(
            "ix_earned_period_town_rank", ["period", "town_id", "points", "reached_at"]
        )
        batch.create_index("ix_earned_period_grid_rank", ["period", "grid_id", "points", "reached_at"])
    with op.batch_alter_table("participations") as batch:
        batch.create_index("ix_participation_period_town", ["period", "town_id"])

    # Everyone of the deployment is of its town; roles gain city_admin; a person's place
    # matches their role.
    _add_town("users", town_id, required=False, index=op.f("ix_users_town_id"))
    _add_grid("users", op.f("ix_users_grid_id"))
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_village"), type_="check")
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role"), ROLES)
        batch.create_check_constraint(op.f("ck_users_place"), PLACE)

    # Categories become the town's own (each town keeps its own list and points).
    with op.batch_alter_table("event_categories") as batch:
        batch.add_column(sa.Column("town_id", sa.Integer(), nullable=True))
        batch.drop_constraint(op.f("uq_event_categories_code"), type_="unique")
    if town_id is not None:
        op.execute(sa.text("UPDATE event_categories SET town_id = :town").bindparams(town=town_id))
    with op.batch_alter_table("event_categories") as batch:
        batch.create_unique_constraint(op.f("uq_event_categories_town_id"), ["town_id", "code"])
        batch.create_foreign_key(
            op.f("fk_event_categories_town_id_towns"), "towns", ["town_id"], ["id"]
        )

    # Settings: what was the town default (village_id null) is now the town's own value.
    with op.batch_alter_table("settings") as batch:
        batch.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("town_id", sa.Integer(), nullable=True))
        batch.drop_constraint(op.f("uq_settings_village_id"), type_="unique")
    if town_id is not None:
        op.execute(
            sa.text(
                "UPDATE settings SET town_id = :town, scope = 't' || CAST(:town AS VARCHAR(10)) "
                "WHERE village_id IS NULL"
            ).bindparams(town=town_id)
        )
    op.execute(
        "UPDATE settings SET scope = 'v' || CAST(village_id AS VARCHAR(10)) "
        "WHERE village_id IS NOT NULL"
    )
    with op.batch_alter_table("settings") as batch:
        batch.alter_column("scope", existing_type=sa.String(length=16), nullable=False)
        batch.create_unique_constraint(op.f("uq_settings_scope"), ["scope", "key"])
        batch.create_foreign_key(op.f("fk_settings_town_id_towns"), "towns", ["town_id"], ["id"])


def downgrade():
    """Back to one town: only possible while there is one town and no city admin."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM towns")).scalar_one() > 1:
        raise RuntimeError("more than one town: the old schema can't hold them")
    op.execute("DELETE FROM grid_staff")
    with op.batch_alter_table("settings") as batch:
        batch.drop_constraint(op.f("fk_settings_town_id_towns"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_settings_scope"), type_="unique")
        batch.drop_column("town_id")
        batch.drop_column("scope")
        batch.create_unique_constraint(op.f("uq_settings_village_id"), ["village_id", "key"])
    with op.batch_alter_table("event_categories") as batch:
        batch.drop_constraint(op.f("fk_event_categories_town_id_towns"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_event_categories_town_id"), type_="unique")
        batch.drop_column("town_id")
        batch.create_unique_constraint(op.f("uq_event_categories_code"), ["code"])
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_place"), type_="check")
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(
            op.f("ck_users_role"), "role in ('resident', 'staff', 'village_admin', 'town_admin')"
        )
        batch.create_check_constraint(
            op.f("ck_users_village"), "role = 'town_admin' or village_id is not null"
        )
    for table in ("users", "households", "participations", "earned_totals"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_grid_id_grids"), type_="foreignkey")
            if table in ("users", "households"):
                batch.drop_index(op.f(f"ix_{table}_grid_id"))
            if table == "earned_totals":
                batch.drop_index("ix_earned_period_grid_rank")
            batch.drop_column("grid_id")
    for table in (
        "users", "participations", "earned_totals", "audit_log", "rewards", "events", "villages"
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_town_id_towns"), type_="foreignkey")
            if table in ("users", "audit_log", "rewards", "events", "villages"):
                batch.drop_index(op.f(f"ix_{table}_town_id"))
            if table == "earned_totals":
                batch.drop_index("ix_earned_period_town_rank")
            if table == "participations":
                batch.drop_index("ix_participation_period_town")
            batch.drop_column("town_id")
    op.drop_table("grid_staff")
    op.drop_table("grids")
    op.drop_table("towns")
    op.drop_table("cities")
