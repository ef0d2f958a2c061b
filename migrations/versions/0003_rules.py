"""rules: the rule book (积分细则) — books, versions, rules, caps; transfers name their rule

Each town's event categories become the rules of its book's first version (in force since
2000-01-01, each event still setting its own points up to 1000), and every event names the
rule of its category. Transfers made before keep no rule (history is not rewritten).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SINCE_EVER = date(2000, 1, 1)
MAX_RULE_POINTS = 1000


def _create_tables() -> None:
    op.create_table(
        "rule_books",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_rule_books_town_id_towns")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_rule_books_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_books")),
        sa.UniqueConstraint("place", name=op.f("uq_rule_books_place")),
    )
    op.create_table(
        "rule_book_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("adopted_by", sa.String(length=60), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column("document", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["rule_books.id"], name=op.f("fk_rule_book_versions_book_id_rule_books")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_rule_book_versions_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_book_versions")),
        sa.UniqueConstraint("book_id", "number", name=op.f("uq_rule_book_versions_book_id")),
    )
    op.create_index(
        "ix_rule_book_versions_book_from", "rule_book_versions", ["book_id", "effective_from"]
    )
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["rule_books.id"], name=op.f("fk_rules_book_id_rule_books")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sa.UniqueConstraint("book_id", "code", name=op.f("uq_rules_book_id")),
    )
    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("book_version_id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("points_max", sa.Integer(), nullable=True),
        sa.Column("tiers", sa.JSON(), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("caps", sa.JSON(), nullable=False),
        sa.Column("first_reporter_only", sa.Boolean(), nullable=False),
        sa.Column("later_reporter_points", sa.Integer(), nullable=True),
        sa.Column("confirm_by", sa.String(length=16), nullable=False),
        sa.Column("evidence_required", sa.Boolean(), nullable=False),
        sa.Column("publicity_days", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind in ('earn', 'deduct')", name=op.f("ck_rule_versions_kind")),
        sa.CheckConstraint(
            "unit in ('event', 'report', 'case', 'hour')", name=op.f("ck_rule_versions_unit")
        ),
        sa.CheckConstraint(
            "confirm_by in ('staff', 'village_admin')", name=op.f("ck_rule_versions_confirm_by")
        ),
        sa.ForeignKeyConstraint(
            ["book_version_id"],
            ["rule_book_versions.id"],
            name=op.f("fk_rule_versions_book_version_id_rule_book_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["rules.id"], name=op.f("fk_rule_versions_rule_id_rules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_versions")),
        sa.UniqueConstraint("rule_id", "book_version_id", name=op.f("uq_rule_versions_rule_id")),
    )
    op.create_index("ix_rule_versions_book_version", "rule_versions", ["book_version_id"])
    op.create_table(
        "cap_usage",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=24), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.CheckConstraint("times >= 0 and points >= 0", name=op.f("ck_cap_usage_not_negative")),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], name=op.f("fk_cap_usage_rule_id_rules")),
        sa.PrimaryKeyConstraint("rule_id", "holder", "period", name=op.f("pk_cap_usage")),
    )


def _add_columns() -> None:
    # Transfers may be millions of rows, append-only behind triggers: add the columns in
    # place (SQLite: ALTER TABLE ADD COLUMN with its REFERENCES), never copy the table.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE transfers ADD COLUMN rule_id INTEGER REFERENCES rules (id)")
        op.execute(
            "ALTER TABLE transfers ADD COLUMN rule_version_id INTEGER REFERENCES rule_versions (id)"
        )
    else:
        op.add_column("transfers", sa.Column("rule_id", sa.Integer(), nullable=True))
        op.add_column("transfers", sa.Column("rule_version_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_transfers_rule_id_rules"), "transfers", "rules", ["rule_id"], ["id"]
        )
        op.create_foreign_key(
            op.f("fk_transfers_rule_version_id_rule_versions"),
            "transfers",
            "rule_versions",
            ["rule_version_id"],
            ["id"],
        )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_events_rule_id_rules"), "rules", ["rule_id"], ["id"])
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("rule_version_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("capped_by", sa.String(length=160), nullable=True))
        batch.create_foreign_key(
            op.f("fk_checkins_rule_version_id_rule_versions"),
            "rule_versions",
            ["rule_version_id"],
            ["id"],
        )


def _categories_become_rules() -> None:
    """Each town's categories: the rules of its book's first version; events name them."""
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    meta = sa.MetaData()
    books = sa.Table("rule_books", meta, autoload_with=bind)
    versions = sa.Table("rule_book_versions", meta, autoload_with=bind)
    rules = sa.Table("rules", meta, autoload_with=bind)
    rule_versions = sa.Table("rule_versions", meta, autoload_with=bind)
    categories = bind.execute(
        sa.text(
            "SELECT id, town_id, code, name_zh, name_en, default_points, sort_order "
            "FROM event_categories WHERE town_id IS NOT NULL ORDER BY town_id, sort_order, id"
        )
    ).all()
    by_town: dict[int, list] = {}
    for row in categories:
        by_town.setdefault(row.town_id, []).append(row)
    for town_id, rows in by_town.items():
        book_id = bind.execute(
            books.insert().values(place=f"t{town_id}", town_id=town_id, created_at=now)
        ).inserted_primary_key[0]
        version_id = bind.execute(
            versions.insert().values(
                book_id=book_id,
                number=1,
                effective_from=SINCE_EVER,
                adopted_by="",
                note="由原活动类别转入",
                created_at=now,
            )
        ).inserted_primary_key[0]
        for order, row in enumerate(rows):
            rule_id = bind.execute(
                rules.insert().values(book_id=book_id, code=row.code)
            ).inserted_primary_key[0]
            bind.execute(
                rule_versions.insert().values(
                    rule_id=rule_id,
                    book_version_id=version_id,
                    name_zh=row.name_zh,
                    name_en=row.name_en or "",
                    description="",
                    kind="earn",
                    points=min(row.default_points, MAX_RULE_POINTS),
                    points_max=MAX_RULE_POINTS,
                    tiers=None,
                    unit="event",
                    caps=[],
                    first_reporter_only=False,
                    later_reporter_points=None,
                    confirm_by="staff",
                    evidence_required=False,
                    publicity_days=0,
                    sort_order=order,
                )
            )
            bind.execute(
                sa.text("UPDATE events SET rule_id = :rule WHERE category_id = :category"),
                {"rule": rule_id, "category": row.id},
            )


def upgrade():
    _create_tables()
    _add_columns()
    _categories_become_rules()


def downgrade():
    with op.batch_alter_table("checkins") as batch:
        batch.drop_constraint(op.f("fk_checkins_rule_version_id_rule_versions"), type_="foreignkey")
        batch.drop_column("capped_by")
        batch.drop_column("rule_version_id")
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint(op.f("fk_events_rule_id_rules"), type_="foreignkey")
        batch.drop_column("rule_id")
    from points.db import drop_ledger_guards, install_ledger_guards

    drop_ledger_guards(op.get_bind())
    with op.batch_alter_table("transfers") as batch:
        if op.get_bind().dialect.name != "sqlite":
            batch.drop_constraint(
                op.f("fk_transfers_rule_version_id_rule_versions"), type_="foreignkey"
            )
            batch.drop_constraint(op.f("fk_transfers_rule_id_rules"), type_="foreignkey")
        batch.drop_column("rule_version_id")
        batch.drop_column("rule_id")
    install_ledger_guards(op.get_bind())
    op.drop_table("cap_usage")
    op.drop_index("ix_rule_versions_book_version", table_name="rule_versions")
    op.drop_table("rule_versions")
    op.drop_table("rules")
    op.drop_index("ix_rule_book_versions_book_from", table_name="rule_book_versions")
    op.drop_table("rule_book_versions")
    op.drop_table("rule_books")
