"""One migrated database per kind for the whole run, emptied before each test.

SQLite: the schema is migrated once into a template file that is copied over the test
database before each test. PostgreSQL: a database of this run's own (several runs may share
the server) is migrated once and truncated before each test.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import Engine, make_url

from points.db import seed_ledger_head

PG_URL = os.environ.get("TEST_DATABASE_URL")
KINDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


class SqliteDatabase:
    """A database file restored from a migrated template before each test."""

    kind = "sqlite"

    def __init__(self, folder: Path):
        self.path = folder / "points.sqlite3"
        self.template = folder / "template.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def keep_as_template(self) -> None:
        """Call once, after migrating: the migrated file becomes the template."""
        conn = sqlite3.connect(self.path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        shutil.copyfile(self.path, self.template)

    def empty(self, engine: Engine) -> None:
        self.restore(engine, self.template)

    def snapshot(self, engine: Engine, name: str) -> Path:
        """Keep the database as it is now (a checkpointed copy of the file)."""
        engine.dispose()
        conn = sqlite3.connect(self.path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        kept = self.path.with_name(f"{name}.sqlite3")
        shutil.copyfile(self.path, kept)
        return kept

    def restore(self, engine: Engine, kept: Path) -> None:
        """Put a kept copy back, in place: SQLite's backup API writes its pages into the
        open database under SQLite's own locks, so a server that has the file open (a live
        gunicorn) simply reads the new contents on its next transaction."""
        engine.dispose()
        source = sqlite3.connect(kept)
        target = sqlite3.connect(self.path, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()

    def drop(self) -> None:
        pass


# Emptying two dozen small tables row by row is ~100x faster than TRUNCATE (which rewrites
# every table's files); with the triggers off (session_replication_role, for a superuser),
# the append-only guard on transfers and the foreign keys stand aside while it runs.
_RESET_FUNCTION = """
CREATE OR REPLACE FUNCTION points_test_reset() RETURNS void AS $$
DECLARE name text; seq text;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOREACH name IN ARRAY ARRAY[{tables}] LOOP
    EXECUTE format('DELETE FROM %I', name);
  END LOOP;
  FOR seq IN SELECT sequence_name FROM information_schema.sequences
             WHERE sequence_schema = 'public' LOOP
    EXECUTE format('SELECT setval(%L, 1, false)', seq);
  END LOOP;
END $$ LANGUAGE plpgsql
"""


class PostgresDatabase:
    """A database of this run's own on the test server, truncated before each test."""

    kind = "postgresql"

    def __init__(self):
        base = make_url(PG_URL)
        if base.drivername in ("postgresql", "postgres"):
            base = base.set(drivername="postgresql+psycopg")
        self.name = f"points_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = base.set(database=self.name).render_as_string(hide_password=False)
        self._reset = ""

    def keep_as_template(self) -> None:
        engine = create_engine(self.url)
        with engine.begin() as conn:
            tables = list(
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                        "AND tablename <> 'alembic_version' ORDER BY tablename"
                    )
                ).scalars()
            )
            superuser = conn.execute(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar()
            if superuser:
                conn.execute(
                    text(_RESET_FUNCTION.replace("{tables}", ", ".join(map(repr, tables))))
                )
                self._reset = "SELECT points_test_reset()"
            else:
                self._reset = f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"
        engine.dispose()

    def empty(self, engine: Engine) -> None:
        engine.dispose()  # no connection of the last test may hold a lock the reset waits for
        with engine.begin() as conn:
            conn.execute(text(self._reset))
            seed_ledger_head(conn)

    def snapshot(self, engine: Engine, name: str) -> dict:
        """Keep every row as it is now, in memory."""
        meta = MetaData()
        with engine.connect() as conn:
            meta.reflect(conn)
            rows = {
                table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
                for table in meta.sorted_tables
                if table.name != "alembic_version"
            }
        return {"meta": meta, "rows": rows}

    def restore(self, engine: Engine, kept: dict) -> None:
        self.empty(engine)
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in kept["meta"].sorted_tables:
                rows = kept["rows"].get(table.name)
                if table.name == "ledger_head":
                    conn.execute(table.delete())
                if rows:
                    conn.execute(table.insert(), rows)
            for table in kept["meta"].sorted_tables:
                if "id" in table.c and kept["rows"].get(table.name):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )

    def drop(self) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._admin.dispose()


@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database of its own (no schema) for a test that migrates by itself."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'scratch.sqlite3'}"
        return
    database = PostgresDatabase()
    try:
        yield database.url
    finally:
        database.drop()
