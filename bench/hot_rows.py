"""How long a write holds the hot rows on PostgreSQL: the chain head, the issuance account.

    .venv/bin/python bench/hot_rows.py [--database-url postgresql+psycopg://…] [-n 500]

Makes a village of residents, then awards points one at a time through each of the ledger's
write paths — `transfer` (both accounts locked first) and `move` (each account locked by its
own counter UPDATE, the village's last: the check-in's and the adjustment's path) — and
records, per award, the time from locking the chain head (`SELECT … ledger_head … FOR
UPDATE`) to the end of COMMIT, and from locking the village's issuance account to the end of
COMMIT. 1 / hold time is the most awards per second the city (head) or a village (issuance
account) can make, whatever the number of workers.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("-n", type=int, default=500)
    args = parser.parse_args()
    url, drop = fresh_postgres(args.database_url, "hot")
    try:
        app = wrk_bench.make_app(url, Path(tempfile.mkdtemp()))
        world = wrk_bench.prepare(app, 50, 0, 0)
        from points import ledger
        from points.db import write_transaction
        from points.extensions import db

        marks: dict[str, float] = {}
        with app.app_context():
            engine = db.engine
            session = db.session
            issuance = ledger.village_account(session, world.village_id, "issuance").id
            targets = [ledger.resident_account(session, uid).id for uid, _ in world.residents]
            read = {target: ledger.read_accounts(session, issuance, target) for target in targets}
            session.commit()

            @event.listens_for(engine, "before_cursor_execute")
            def _seen(conn, cursor, statement, parameters, context, executemany):
                if "FOR UPDATE" in statement and "ledger_head" in statement:
                    marks.setdefault("head", time.perf_counter())
                elif "FOR UPDATE" in statement and "FROM accounts" in statement:
                    marks.setdefault("issuance", time.perf_counter())
                elif (
                    statement.startswith("UPDATE accounts")
                    and isinstance(parameters, dict)
                    and parameters.get("account_id") == issuance
                ):  # locked by its own UPDATE (the award path: `read=`)
                    marks.setdefault("issuance", time.perf_counter())

            @event.listens_for(engine, "commit")
            def _committed(conn):
                marks["commit"] = time.perf_counter()

            def award_by_transfer(target: int) -> None:
                ledger.transfer(
                    session, debit_id=issuance, credit_id=target, amount=1, kind="award"
                )

            def award_by_move(target: int) -> None:
                ledger.move(
                    session,
                    debit_id=issuance,
                    credit_id=target,
                    amount=1,
                    kind="award",
                    read=read[target],
                )

            results = {}
            for name, award in (
                ("ledger.transfer (accounts locked first)", award_by_transfer),
                ("ledger.move (the check-in's and adjustment's path)", award_by_move),
            ):
                head, accounts = [], []
                for n in range(args.n):
                    marks.clear()
                    with write_transaction(session):
                        award(targets[n % len(targets)])
                    done = time.perf_counter()  # after COMMIT returned
                    head.append(done - marks["head"])
                    accounts.append(done - marks["issuance"])
                results[name] = (statistics.median(head) * 1e3, statistics.median(accounts) * 1e3)
            db.engine.dispose()
        import os

        print(f"load {os.getloadavg()[0]:.2f}; {args.n} awards each, one at a time")
        for name, (h, a) in results.items():
            print(name)
            print(f"  chain head held p50 {h:.2f} ms → ≤ {1000 / h:,.0f} transfers/s city-wide")
            print(f"  issuance held   p50 {a:.2f} ms → ≤ {1000 / a:,.0f} awards/s per village")
    finally:
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
