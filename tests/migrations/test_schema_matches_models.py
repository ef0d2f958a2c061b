"""Do the migrations build exactly the schema the models describe, on both databases?

A column the models call nullable but a migration made NOT NULL (or the other way), a
missing index or constraint, is found here rather than by an insert in production.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from support.databases import scratch_database

from points import create_app
from points.extensions import db


def test_the_migrated_schema_is_the_models_schema(db_kind, tmp_path):
    with scratch_database(db_kind, tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x"})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": False})
                differences = compare_metadata(context, db.metadata)
            db.session.remove()
            db.engine.dispose()
    assert differences == []
