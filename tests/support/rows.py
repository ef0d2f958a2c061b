"""Every row of a database as JSON, whatever its schema revision: for upgrade tests."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection


def _plain(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode()}
    return value


def _back(value):
    if isinstance(value, dict) and len(value) == 1:
        ((key, raw),) = value.items()
        if key == "$dt":
            return datetime.fromisoformat(raw)
        if key == "$d":
            return date.fromisoformat(raw)
        if key == "$b":
            return base64.b64decode(raw)
    return value


def dump(conn: Connection, path: Path) -> None:
    """Write {table: [row, ...]} to a gzip'd JSON file (how the fixtures here were made)."""
    meta = MetaData()
    meta.reflect(conn)
    tables = {}
    for table in meta.sorted_tables:
        if table.name == "alembic_version":
            continue
        rows = conn.execute(table.select().order_by(*table.primary_key.columns)).mappings()
        tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    path.write_bytes(gzip.compress(json.dumps(tables, ensure_ascii=False).encode(), mtime=0))


def load(conn: Connection, path: Path) -> dict[str, list[dict]]:
    """Insert the rows of a dump into an empty database at the dump's revision.

    Tables are filled in foreign-key order; PostgreSQL's id sequences are moved past the
    loaded ids. Returns the rows as loaded.
    """
    tables = {
        name: [{k: _back(v) for k, v in row.items()} for row in rows]
        for name, rows in json.loads(gzip.decompress(path.read_bytes())).items()
    }
    meta = MetaData()
    meta.reflect(conn)
    for table in meta.sorted_tables:
        rows = tables.get(table.name)
        if table.name == "ledger_head":
            conn.execute(table.delete())  # the migration seeded the genesis head
        if rows:
            conn.execute(table.insert(), rows)
    if conn.dialect.name == "postgresql":
        for table in meta.sorted_tables:
            if "id" in table.c and tables.get(table.name):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )
    return tables
