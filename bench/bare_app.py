"""The benchmark's baseline: a bare Flask endpoint doing one SQLite insert transaction.

Served by the same gunicorn as the app (`gunicorn bench.bare_app:app`), on a SQLite file in
WAL mode with the app's pragmas, so the ratio measures what the app adds on top.
"""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, jsonify

app = Flask(__name__)
PATH = os.environ.get("BARE_DB", "/tmp/bare.sqlite3")
_local = threading.local()


def connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
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
