"""The benchmark's baseline: a bare Flask endpoint doing one insert transaction.

Served by the same gunicorn as the app (`gunicorn bench.bare_app:app`). With BARE_DB (a
path) it writes to a SQLite file in WAL mode with the app's pragmas; with BARE_DATABASE_URL
(postgresql://…) to PostgreSQL through psycopg, one connection per worker. So the ratio
measures what the app adds on top of one row written and committed per request.
"""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, jsonify

app = Flask(__name__)
PATH = os.environ.get("BARE_DB", "/tmp/bare.sqlite3")
PG_URL = os.environ.get("BARE_DATABASE_URL", "")
_local = threading.local()


def connection():
    conn = getattr(_local, "conn", None)
    if conn is not None:
        return conn
    if PG_URL:
        import psycopg

        conn = psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"))
        with conn.transaction():
            conn.execute(
                "CREATE TABLE IF NOT EXISTS hits (id BIGSERIAL PRIMARY KEY, who INTEGER, "
                "at TIMESTAMP)"
            )
    else:
        conn = sqlite3.connect(PATH, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, who INTEGER, at REAL)"
        )
    _local.conn = conn
    return conn


@app.post("/insert/<int:who>")
def insert(who: int):
    conn = connection()
    if PG_URL:
        with conn.transaction():
            row = conn.execute(
                "INSERT INTO hits (who, at) VALUES (%s, now()) RETURNING id", (who,)
            ).fetchone()[0]
        return jsonify(id=row), 201
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute(
            "INSERT INTO hits (who, at) VALUES (?, julianday('now'))", (who,)
        ).lastrowid
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return jsonify(id=row), 201


@app.get("/healthz")
def healthz():
    return {"ok": True}
