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

from sqlalchemy import create_engine, text
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
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        shutil.copyfile(self.path, self.template)

    def empty(self, engine: Engine) -> None:
        engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.path)

    def drop(self) -> None:
        pass


class PostgresDatabase:
    """A database of this run's own on the test server, emptied before each test.

    Emptying deletes every row with triggers off (the ledger's no-update trigger and the
    foreign keys' alike) and restarts the id sequences: on the few rows a test leaves that
    takes ~10 ms, where TRUNCATE of every table takes ~0.7 s (it swaps each table's files).
    A role that may not switch triggers off (not a superuser) truncates instead.
    """

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
        self._truncate = ""
        self._delete = ""

    def keep_as_template(self) -> None:
        engine = create_engine(self.url)
        with engine.connect() as conn:
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                        "AND tablename <> 'alembic_version' ORDER BY tablename"
                    )
                )
                .scalars()
                .all()
            )
            sequences = (
                conn.execute(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname='public'")
                )
                .scalars()
                .all()
            )
            superuser = conn.scalar(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            )
        engine.dispose()
        self._truncate = f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"
        if superuser:
            restarts = "".join(f"ALTER SEQUENCE {name} RESTART; " for name in sequences)
            deletes = "".join(f"DELETE FROM {name}; " for name in tables)
            self._delete = f"SET LOCAL session_replication_role = replica; {deletes}{restarts}"

    def empty(self, engine: Engine) -> None:
        engine.dispose()  # no connection of the last test may hold a lock we would wait for
        with engine.begin() as conn:
            conn.exec_driver_sql(self._delete or self._truncate)
            seed_ledger_head(conn)

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
