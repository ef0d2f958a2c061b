"""Benchmark a city-size ledger on PostgreSQL: seeding by COPY, boards, dashboards, verify.

    .venv/bin/python bench/city.py [--sizes 70000,700000] [--transfers-per-resident 3]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--skip export,backup]

For each size it makes a fresh database of a city of 15 towns, 400 villages and 2,000 grids
(bench/leaderboard.py's seed — a valid hash chain, the accounts' counters and the earned
totals — written with COPY instead of INSERTs), then measures through the app: every
leaderboard scope's p50 (Flask test client), the city, a town's and a village's dashboard,
a year's ledger export streamed to XLSX (time, size and the process's peak memory growth),
`verify` in full (storing the checkpoint), then again after 10,000 new transfers through the
ledger's write path (incremental), and `pg_dump -Fc` / `pg_restore` of the whole database.
Every database is dropped at the end. It prints each target of issue #16 met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import leaderboard as board_bench  # noqa: E402
from bench.databases import fresh_postgres  # noqa: E402

SECRET = "bench"  # bench/leaderboard.py's make_app secret
TOWNS, VILLAGES, GRIDS_PER_VILLAGE = 15, 400, 5


def copy_rows(cursor, sqlite: bool, table: str, columns: list[str], rows: list[tuple]) -> None:
    """COPY rows into a table (PostgreSQL): an order of magnitude faster than INSERTs."""
    if not rows:
        return
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# The rows a households' or villages' board has to add up: every resident's earned total of
# the month in its scope (a household's or a village's total is a sum over its members).
SUMMED = {
    "households, town": "AND town_id = 1 AND household_id IS NOT NULL",
    "households, city": "AND household_id IS NOT NULL",
    "villages, town": "AND town_id = 1",
    "villages, city": "",
}


def rows_summed(app) -> dict[str, int]:
    from sqlalchemy import text

    from points.clock import period_keys
    from points.extensions import db
    from points.models import utcnow

    month = period_keys(utcnow())[2]
    with app.app_context():
        found = {
            label: db.session.scalar(
                text(f"SELECT count(*) FROM earned_totals WHERE period = :p {where}"), {"p": month}
            )
            for label, where in SUMMED.items()
        }
        db.session.remove()
    return found


def city_seed(raw, residents: int, transfers: int) -> float:
    board_bench.TOWNS = TOWNS
    board_bench.VILLAGES = VILLAGES
    board_bench.GRIDS_PER_VILLAGE = GRIDS_PER_VILLAGE
    board_bench.GRIDS = VILLAGES * GRIDS_PER_VILLAGE
    board_bench.CHUNK = 100_000
    board_bench.insert_rows = copy_rows
    began = time.perf_counter()
    board_bench.seed(raw, False, residents, transfers, random.Random(16))
    # What autovacuum does to a live database after a bulk load: statistics, and the
    # visibility map that index-only scans (dashboards, boards) rely on.
    raw.commit()
    raw.autocommit = True
    raw.execute("VACUUM ANALYZE")
    raw.autocommit = False
    return time.perf_counter() - began


def p50_of(call, repeats: int) -> float:
    for _ in range(3):
        call()
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def measure(url: str, folder: Path, size: int, args) -> dict:
    import psycopg
    from flask_migrate import upgrade
    from sqlalchemy import select

    from points import ledger
    from points.admin import dashboard
    from points.db import write_transaction
    from points.extensions import db
    from points.models import Account
    from points.policy import Place

    app = board_bench.make_app(url, folder)
    figures: dict = {"residents": size}
    with app.app_context():
        upgrade()
        db.engine.dispose()
    raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    transfers = size * args.transfers_per_resident
    figures["transfers"] = transfers
    figures["seed_s"] = city_seed(raw, size, transfers)
    raw.close()
    print(f"  seeded {size:,} residents, {transfers:,} transfers by COPY in "
          f"{figures['seed_s']:.0f} s", flush=True)  # fmt: skip

    client = app.test_client()
    figures["boards"] = {}
    for label, query in board_bench.SCOPED:
        path = f"/api/v1/leaderboard?{query}&period=month&limit=50"
        figures["boards"][label] = p50_of(lambda p=path: client.get(p), args.repeats)
    print("  leaderboards: " + ", ".join(
        f"{k} {v:.1f}" for k, v in figures["boards"].items()) + " ms", flush=True)  # fmt: skip
    figures["summed"] = rows_summed(app)
    print("  rows a board of households or villages sums (the month's earned totals): "
          + ", ".join(f"{k} {v:,}" for k, v in figures["summed"].items()), flush=True)  # fmt: skip

    with app.app_context():
        session = db.session
        figures["dashboards"] = {
            label: p50_of(lambda p=place: (dashboard.build(session, p), session.rollback()), 5)
            for label, place in (
                ("city", Place()),
                ("town", Place(1)),
                ("village", Place(1, 1)),
            )
        }
        shown = ", ".join(f"{k} {v:.0f}" for k, v in figures["dashboards"].items())
        print(f"  dashboards: {shown} ms", flush=True)

        if "export" not in args.skip:
            export_ledger(url, folder, figures)

        began = time.perf_counter()
        full = ledger.verify(session, secret=SECRET, full=True)
        figures["verify_full_s"] = time.perf_counter() - began
        session.commit()
        assert full.ok, full.problems[:3]
        # 10,000 new transfers through the write path: awards to residents of every village.
        issuance = dict(
            session.execute(
                select(Account.village_id, Account.id).where(Account.kind == "issuance")
            ).all()
        )
        rng = random.Random(7)
        for _batch in range(10):
            with write_transaction(session):
                for _ in range(1000):
                    uid = rng.randint(1, size)
                    village = session.scalar(select(Account.village_id).where(Account.id == uid))
                    ledger.transfer(
                        session,
                        debit_id=issuance[village],
                        credit_id=uid,
                        amount=5,
                        kind="award",
                        memo="巡防",
                    )
        began = time.perf_counter()
        since = ledger.verify(session, secret=SECRET)
        figures["verify_incremental_s"] = time.perf_counter() - began
        figures["verify_incremental_checked"] = since.checked
        session.commit()
        assert since.ok, since.problems[:3]
        print(f"  verify: full {figures['verify_full_s']:.1f} s; after 10,000 new transfers "
              f"{figures['verify_incremental_s']:.2f} s ({since.checked} re-hashed, plus "
              f"the scrub's window)", flush=True)  # fmt: skip
        db.session.remove()
        db.engine.dispose()

    if "backup" in args.skip:
        return figures
    dump = folder / "city.dump"
    began = time.perf_counter()
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), plain], check=True)
    figures["backup_s"] = time.perf_counter() - began
    figures["backup_mb"] = dump.stat().st_size / 1e6
    target, drop = fresh_postgres(args.database_url, "restore")
    try:
        began = time.perf_counter()
        subprocess.run(
            ["pg_restore", "--no-owner", "-j", "2", "-d",
             target.replace("postgresql+psycopg://", "postgresql://"), str(dump)],
            check=True,
        )  # fmt: skip
        figures["restore_s"] = time.perf_counter() - began
    finally:
        drop()
        dump.unlink(missing_ok=True)
    print(f"  backup {figures['backup_s']:.0f} s ({figures['backup_mb']:.0f} MB), "
          f"restore {figures['restore_s']:.0f} s", flush=True)  # fmt: skip
    return figures


def export_ledger(url: str, folder: Path, figures: dict) -> None:
    """A year's ledger for the whole city, streamed to an XLSX file by a process of its own,
    so that its peak memory is the export's alone (the bench's process holds the seed's)."""
    export = subprocess.run(
        [sys.executable, __file__, "--export-to", str(folder / "ledger.xlsx"), "--url", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures.update(json.loads(export.stdout.strip().splitlines()[-1]))
    print(f"  export: {figures['export_s']:.0f} s, {figures['export_rows']:,} rows, "
          f"{figures['export_mb']:.0f} MB file, process peak RSS "
          f"{figures['export_peak_mb']:.0f} MB", flush=True)  # fmt: skip


def export_year(url: str, path: Path) -> dict:
    """Stream this year's ledger of the whole city to an XLSX file; time, rows, peak RSS."""
    from datetime import date

    from points.admin import reports
    from points.extensions import db

    app = board_bench.make_app(url, path.parent)
    began = time.perf_counter()
    rows = 0
    with app.app_context():
        year = date.today().year
        made = reports.ledger_streamed(
            db.session, reports.Filter(start=date(year, 1, 1), end=date(year, 12, 31))
        )

        lines = made.rows

        def counted():
            nonlocal rows
            for row in lines:
                rows += 1
                yield row

        made.rows = counted()
        with path.open("wb") as sink:
            for piece in reports.stream(made, "xlsx"):
                sink.write(piece)
    return {
        "export_s": time.perf_counter() - began,
        "export_rows": rows,
        "export_mb": path.stat().st_size / 1e6,
        "export_peak_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM). Not getrusage's ru_maxrss: on Linux
    that survives fork + exec, so a child of the seeding process reported the parent's peak
    (1,869 MB at 700k residents) rather than the export's."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export-to", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--url", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--sizes", default="70000,700000")
    parser.add_argument("--transfers-per-resident", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--skip", default="", help="leave out some of: export,backup (e.g. to re-measure the rest)"
    )
    args = parser.parse_args()
    if args.export_to:
        print(json.dumps(export_year(args.url, Path(args.export_to))))
        return 0
    results = []
    for size in (int(x) for x in args.sizes.split(",")):
        folder = Path(tempfile.mkdtemp(prefix="points-city-"))
        url, drop = fresh_postgres(args.database_url, f"city{size}")
        print(f"\n== {size:,} residents (load {os.getloadavg()[0]:.2f})", flush=True)
        try:
            results.append(measure(url, folder, size, args))
        finally:
            drop()
            shutil.rmtree(folder, ignore_errors=True)
    small, big = results[0], results[-1]
    print("\ntargets (issue #16):")
    for label, at_big in big["boards"].items():
        ratio = at_big / small["boards"][label]
        why = ""
        if ratio > 1.5 and label in SUMMED:
            rows = (small["summed"][label], big["summed"][label])
            why = (
                f" (it sums {rows[0]:,} → {rows[1]:,} members' rows, "
                f"×{rows[1] / max(1, rows[0]):.1f}: it needs a rollup per household/village)"
            )
        print(f"  leaderboard {label}: p50 {small['boards'][label]:.1f} → {at_big:.1f} ms, "
              f"×{ratio:.2f} {'≤' if ratio <= 1.5 else '>'} 1.5 — "
              f"{'met' if ratio <= 1.5 else 'MISSED'}{why}")  # fmt: skip
    for label, took in big["dashboards"].items():
        print(f"  {label} dashboard p50 {took:.0f} ms {'≤' if took <= 200 else '>'} 200 ms — "
              f"{'met' if took <= 200 else 'MISSED'}")  # fmt: skip
    took = big["verify_incremental_s"]
    print(f"  incremental verify after 10,000 new transfers: {took:.2f} s "
          f"{'≤' if took <= 2 else '>'} 2 s — {'met' if took <= 2 else 'MISSED'}")  # fmt: skip
    if "export_peak_mb" in big:
        peak = big["export_peak_mb"]
        verdict = "≤ 200 MB — met" if peak <= 200 else "> 200 MB — MISSED"
        print(f"  year export ({big['export_rows']:,} rows) peak RSS {peak:.0f} MB {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
