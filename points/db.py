"""Database plumbing: SQLite pragmas, write transactions, the ledger's guards.

SQLite: WAL, foreign keys, and every write transaction opened with BEGIN IMMEDIATE, because
a deferred transaction that later upgrades to a write fails with SQLITE_BUSY whatever the
busy timeout (SQLAlchemy's pysqlite "serializable isolation" recipe). Reads stay deferred so
that pages don't queue behind writers.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import set_committed_value

WRITE_OPTION = "points_write"
# How long a write waits for SQLite's one writer (the queue, then SQLite's own lock) before
# it answers 503 with Retry-After: well inside gunicorn's 30 s worker timeout. Set from the
# SQLITE_WRITE_WAIT setting.
WRITER_WAIT = 10.0
RETRY_AFTER = 5


class DatabaseBusy(Exception):
    """The write could not get SQLite's writer lock in time; try again shortly."""

    retry_after = RETRY_AFTER


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(WRITER_WAIT * 1000)}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """Run the block in one write transaction: commit at the end, roll back on any error.

    A read transaction already open (say, from loading the logged-in user) is ended first,
    so that on SQLite the write starts with BEGIN IMMEDIATE. Nested calls join the outer one.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.info.get("writing"):
        yield session
        return
    joined = session.in_transaction() and not (session.new or session.dirty or session.deleted)
    if session.in_transaction() and not joined:
        session.commit()
    queue = _writer_queue(session)
    session.info["writing"] = True
    try:
        if joined:
            _upgrade_to_write(session.connection())
        else:
            session.connection(execution_options={WRITE_OPTION: True})
        yield session
        _commit_keeping(session)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["writing"] = False
        session.info.pop(KEEP, None)
        if queue is not None:
            os.close(queue)  # closing the descriptor releases the flock


def _upgrade_to_write(connection: Connection) -> None:
    """Turn the read transaction already open (the bearer user, the checks before the lock)
    into the write transaction, without the ORM's commit (which would expire every object
    the request has loaded, so that reading them again costs a statement each).

    PostgreSQL: nothing to do — READ COMMITTED gives each statement a fresh snapshot, and the
    rows that matter are locked (FOR UPDATE) by the write itself. SQLite: end the deferred
    read transaction and take the write lock on the same connection (a deferred transaction
    that upgrades to a write can't wait for the lock: SQLITE_BUSY).
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("COMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


KEEP = "points_keep"


def keep(session: Session, *objects: object) -> None:
    """Keep these objects' loaded values through the write transaction's commit.

    The ORM expires every object on commit, so an answer built from them afterwards reads
    each again (on PostgreSQL in a transaction of its own). The objects named here were
    written by this transaction, so what it holds is what the database now says.
    """
    if isinstance(session, scoped_session):
        session = session()
    session.info.setdefault(KEEP, []).extend(objects)


def _commit_keeping(session: Session) -> None:
    kept = session.info.get(KEEP)
    if not kept:
        session.commit()
        return
    session.flush()
    loaded = []
    for obj in kept:
        state = inspect(obj)
        if state.persistent:
            loaded.append((obj, {k: v for k, v in state.dict.items() if k in state.attrs}))
    session.commit()
    for obj, values in loaded:
        for key, value in values.items():
            set_committed_value(obj, key, value)


def _writer_queue(session: Session) -> int | None:
    """On a SQLite file, queue writers on a flock before BEGIN IMMEDIATE.

    SQLite's busy handler polls with sleeps of up to 100 ms, so with several gunicorn
    workers a waiting writer oversleeps the lock by far; here a waiter polls the flock at
    most every millisecond. After WRITER_WAIT seconds in the queue: DatabaseBusy (a 503).
    """
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    fd = os.open(url.database + ".writers", os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + WRITER_WAIT
    pause = 0.0001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise DatabaseBusy() from None
            time.sleep(pause)
            pause = min(pause * 2, 0.001)


_SQLITE_GUARDS = [
    """CREATE TRIGGER IF NOT EXISTS transfers_no_update BEFORE UPDATE ON transfers
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS transfers_no_delete BEFORE DELETE ON transfers
    BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END""",
]

_POSTGRES_GUARDS = [
    """CREATE OR REPLACE FUNCTION transfers_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'transfers are append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS transfers_no_change ON transfers",
    """CREATE TRIGGER transfers_no_change BEFORE UPDATE OR DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION transfers_append_only()""",
]


def install_ledger_guards(bind: Connection) -> None:
    """Create the triggers that refuse UPDATE and DELETE of transfers."""
    statements = _POSTGRES_GUARDS if bind.dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in statements:
        bind.execute(text(statement))


def drop_ledger_guards(bind: Connection) -> None:
    if bind.dialect.name == "postgresql":
        bind.execute(text("DROP TRIGGER IF EXISTS transfers_no_change ON transfers"))
        bind.execute(text("DROP FUNCTION IF EXISTS transfers_append_only()"))
    else:
        bind.execute(text("DROP TRIGGER IF EXISTS transfers_no_update"))
        bind.execute(text("DROP TRIGGER IF EXISTS transfers_no_delete"))


def seed_ledger_head(bind: Connection) -> None:
    """Insert the hash chain's head row (genesis) if it is not there."""
    exists = bind.execute(text("SELECT 1 FROM ledger_head WHERE id = 1")).first()
    if not exists:
        bind.execute(
            text("INSERT INTO ledger_head (id, last_id, hash) VALUES (1, 0, :genesis)"),
            {"genesis": "0" * 64},
        )
