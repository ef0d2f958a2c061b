"""Count what one request costs in-process: statements, transactions, wall time.

    .venv/bin/python bench/statements.py [--database-url postgresql+psycopg://…] [-n 200]

Builds the bench's village (bench/wrk_bench.py), then sends each write path through the
Flask test client with a bearer token and prints, per request, the mean number of SQL
statements, of BEGINs and COMMITs, and the median wall and CPU time (the CPU of this one
process: client, app and, on SQLite, the database). A quick check between wrk runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import wrk_bench  # noqa: E402
from bench.databases import fresh_postgres  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--show", default="", help="print the statements of this workload")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="points-stmts-"))
    drop = None
    if args.database_url:
        url, drop = fresh_postgres(args.database_url, "stmts")
    else:
        url = f"sqlite:///{scratch / 'p.sqlite3'}"
    try:
        app = wrk_bench.make_app(url, scratch)
        world = wrk_bench.prepare(app, args.n, 2, args.n)
        from points.extensions import db

        seen: list[str] = []
        with app.app_context():
            engine = db.engine

            @event.listens_for(engine, "before_cursor_execute")
            def _count(conn, cursor, statement, parameters, context, executemany):
                seen.append(statement.split("\n")[0][:150])

            @event.listens_for(engine, "begin")
            def _begin(conn):
                seen.append("<BEGIN>")

            @event.listens_for(engine, "commit")
            def _commit(conn):
                seen.append("<COMMIT>")

        client = app.test_client()
        for workload in ("checkin", "redeem", "approve", "adjust"):
            lines = wrk_bench.requests_for(workload, world, app, event_id=world.events[0])
            lines = lines[: args.n]
            stats = []
            for line in lines:
                path, token, body = line.split("\t")
                del seen[:]
                began, cpu = time.perf_counter(), time.process_time()
                with app.app_context():
                    answer = client.post(
                        path,
                        data=body or None,
                        headers={"Authorization": f"Bearer {token}"},
                        content_type="application/json",
                    )
                took, cpu = time.perf_counter() - began, time.process_time() - cpu
                if answer.status_code >= 300:
                    raise SystemExit(f"{workload}: {answer.status_code} {answer.get_data()[:300]}")
                statements = [s for s in seen if not s.startswith("<")]
                counted = (seen.count("<BEGIN>"), seen.count("<COMMIT>"))
                stats.append((len(statements), *counted, took, cpu))
                shown = list(seen)
            print(
                f"{workload:<8} statements {statistics.mean(s[0] for s in stats):5.1f}  "
                f"BEGIN {statistics.mean(s[1] for s in stats):.1f}  "
                f"COMMIT {statistics.mean(s[2] for s in stats):.1f}  "
                f"{statistics.median(s[3] for s in stats) * 1000:6.2f} ms wall, "
                f"{statistics.median(s[4] for s in stats) * 1000:6.2f} ms CPU (medians, "
                f"load {os.getloadavg()[0]:.1f})"
            )
            if workload == args.show:
                print(json.dumps(shown, indent=1, ensure_ascii=False))
        with app.app_context():
            db.engine.dispose()
    finally:
        if drop:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
