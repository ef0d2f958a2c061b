"""Benchmark: the leaderboard API at 10k and 100k residents against a raw SQL baseline.

    .venv/bin/python bench/leaderboard.py                       # SQLite in a temp folder
    .venv/bin/python bench/leaderboard.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

For each size it migrates a fresh database, bulk-seeds residents and transfers through a fast
path (multi-row INSERTs that build a valid hash chain, the matching account counters and the
per-period EarnedTotal rows), checks the result with `ledger.verify`, then times
`GET /api/v1/leaderboard?scope=city&period=month&limit=50` through the real app
(Flask test client) against the same ranking as one raw SQL query on a DB-API cursor, and
prints p50s and ratios. Targets: API p50 ≤ 3× the raw SQL p50; the 100k p50 ≤ 1.5× the 10k
p50. It also times each scope (grid, village, town, city; households; villages), a resident's
own place (`place_of`) for the last-ranked resident, and prints each scope's query plan.
The residents live in a city of 2 towns, 30 villages and 1,980 grids.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.databases import fresh_postgres  # noqa: E402
from points import create_app, ledger  # noqa: E402
from points.clock import period_keys  # noqa: E402
from points.extensions import db  # noqa: E402
from points.ledger.earned import earned_delta  # noqa: E402
from points.models import utcnow  # noqa: E402

TOWNS = 2  # a county-wide deployment: several towns, ~15 villages and ~1,000 grids each
VILLAGES = 30
GRIDS_PER_VILLAGE = 66
GRIDS = VILLAGES * GRIDS_PER_VILLAGE
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "小明华国强秀英红丽军平伟芳娜敏静丹杰涛超勇艳磊洋燕鹏辉玲桂兰"
CHUNK = 20_000
RANKING_SQL = (
    "SELECT e.resident_id, e.points, e.reached_at FROM earned_totals e "
    "JOIN users u ON u.id = e.resident_id "
    "WHERE e.period = {p} AND e.points > 0 AND u.leaderboard_opt_out = {false} "
    "ORDER BY e.points DESC, e.reached_at, e.resident_id LIMIT 50"
)


# --- databases --------------------------------------------------------------------------
def fresh_database(base_url: str | None, label: str, folder: Path) -> tuple[str, callable]:
    """Return (url, drop) for an empty database of this run."""
    if not base_url:
        path = folder / f"bench-{label}.sqlite3"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    return fresh_postgres(base_url, label)


def make_app(url: str, folder: Path):
    os.environ["INSTANCE_PATH"] = str(folder)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "TESTING": False,
        }
    )


# --- the fast path ----------------------------------------------------------------------
def stamp(moment: datetime, sqlite: bool):
    # SQLAlchemy's SQLite DATETIME format, so the ORM reads back exactly what was hashed.
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment


def insert_rows(cursor, sqlite: bool, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Multi-row INSERTs (one statement per few hundred rows)."""
    if not rows:
        return
    mark = "?" if sqlite else "%s"
    per_statement = max(1, min(500, 30_000 // len(columns)))
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    for start in range(0, len(rows), per_statement):
        batch = rows[start : start + per_statement]
        flat = [value for row in batch for value in row]
        cursor.execute(head + ", ".join([one] * len(batch)), flat)


def seed(raw, sqlite: bool, residents: int, transfers: int, rng: random.Random) -> None:
    """Villages, households, residents, accounts, a hash-chained ledger and EarnedTotal rows."""
    cur = raw.cursor()
    # Accounts are written after the transfers (their counters are summed on the way).
    cur.execute("PRAGMA foreign_keys=OFF" if sqlite else "SET session_replication_role = replica")
    now = utcnow()
    true, false = (1, 0) if sqlite else (True, False)
    insert_rows(cur, sqlite, "cities", ["id", "name", "code", "created_at"],
                [(1, "嵊州市", "SZ", stamp(now, sqlite))])  # fmt: skip
    insert_rows(
        cur,
        sqlite,
        "towns",
        ["id", "city_id", "name", "code", "points_name", "created_at"],
        [(t, 1, f"第{t}镇", f"T{t}", "积分", stamp(now, sqlite)) for t in range(1, TOWNS + 1)],
    )
    town_of_village = {v: (v - 1) % TOWNS + 1 for v in range(1, VILLAGES + 1)}
    insert_rows(
        cur,
        sqlite,
        "villages",
        ["id", "town_id", "name", "code", "created_at"],
        [(v, t, f"第{v}村", f"V{v:02d}", stamp(now, sqlite)) for v, t in town_of_village.items()],
    )
    village_of_grid = {g: (g - 1) // GRIDS_PER_VILLAGE + 1 for g in range(1, GRIDS + 1)}
    insert_rows(
        cur,
        sqlite,
        "grids",
        ["id", "village_id", "name", "code", "micro_grid", "created_at"],
        [
            (g, v, f"第{g}网格", f"G{g}", None, stamp(now, sqlite))
            for g, v in village_of_grid.items()
        ],
    )
    households = residents // 3
    grid_of_household = {h: rng.randint(1, GRIDS) for h in range(1, households + 1)}
    village_of_household = {h: village_of_grid[g] for h, g in grid_of_household.items()}
    insert_rows(
        cur,
        sqlite,
        "households",
        ["id", "village_id", "grid_id", "code"],
        [
            (h, v, grid_of_household[h], f"V{v:02d}-{h:06d}")
            for h, v in village_of_household.items()
        ],
    )
    village_of: dict[int, int] = {}
    household_of: dict[int, int] = {}
    users = []
    for uid in range(1, residents + 1):
        home = rng.randint(1, households)
        village_of[uid], household_of[uid] = village_of_household[home], home
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        users.append(
            (
                uid,
                name,
                f"1{uid:010d}",
                "resident",
                town_of_village[village_of[uid]],
                village_of[uid],
                grid_of_household[home],
                home,
                true,
                true if rng.random() < 0.01 else false,
                1,
                1,
                stamp(now, sqlite),
            )
        )
    columns = ["id", "name", "phone", "role", "town_id", "village_id", "grid_id", "household_id",
               "active", "leaderboard_opt_out", "card_version", "token_version",
               "created_at"]  # fmt: skip
    for start in range(0, len(users), CHUNK):
        insert_rows(cur, sqlite, "users", columns, users[start : start + CHUNK])
    del users

    # Accounts: a resident's account id is their user id; then issuance and redeemed per village.
    issuance = {v: residents + v for v in range(1, VILLAGES + 1)}
    sink = {v: residents + VILLAGES + v for v in range(1, VILLAGES + 1)}
    kinds = {a: "resident" for a in range(1, residents + 1)}
    kinds.update({a: "issuance" for a in issuance.values()})
    kinds.update({a: "redeemed" for a in sink.values()})
    counters = defaultdict(lambda: [0, 0])  # debits_posted, credits_posted
    balance = [0] * (residents + 1)
    earned: dict[tuple[str, int], list] = {}

    # Transfers spread over the last 14 months, in time order; most are awards.
    start_at = now - timedelta(days=420)
    step = (now - start_at) / transfers
    prev = ledger.GENESIS_HASH
    columns = ["id", "created_at", "debit_account_id", "credit_account_id", "amount", "kind",
               "phase", "pending_id", "reference", "idempotency_key", "memo", "actor_id",
               "prev_hash", "hash"]  # fmt: skip
    batch = []
    for tid in range(1, transfers + 1):
        uid = rng.randint(1, residents)
        village = village_of[uid]
        roll = rng.random()
        if roll < 0.80 or balance[uid] < 5:
            debit, credit, amount, kind = (
                issuance[village],
                uid,
                rng.choice((5, 8, 10, 15)),
                "award",
            )
        elif roll < 0.88:
            debit, credit, amount, kind = issuance[village], uid, rng.randint(1, 30), "adjust"
        elif roll < 0.92:
            amount = rng.randint(1, min(balance[uid], 20))
            debit, credit, kind = uid, issuance[village], "adjust"
        else:
            amount = rng.randint(1, balance[uid])
            debit, credit, kind = uid, sink[village], "redeem"
        created = start_at + step * tid
        created = created.replace(microsecond=created.microsecond)  # keep microseconds
        t = SimpleNamespace(
            id=tid, created_at=created, debit_account_id=debit, credit_account_id=credit,
            amount=amount, kind=kind, phase="single", pending_id=None, reference=None,
            idempotency_key=None, memo="", actor_id=None,
        )  # fmt: skip
        t.hash = ledger.chain_hash(prev, t)
        batch.append(
            (tid, stamp(created, sqlite), debit, credit, amount, kind, "single", None, None,
             None, "", None, prev, t.hash)
        )  # fmt: skip
        prev = t.hash
        counters[debit][0] += amount
        counters[credit][1] += amount
        if kinds[debit] == "resident":
            balance[debit] -= amount
        if kinds[credit] == "resident":
            balance[credit] += amount
        user, delta = earned_delta(
            t,
            SimpleNamespace(kind=kinds[debit], user_id=debit),
            SimpleNamespace(kind=kinds[credit], user_id=credit),
        )
        if user:
            for key in period_keys(created):
                entry = earned.setdefault((key, user), [0, created])
                entry[0] += delta
                entry[1] = created
        if len(batch) >= CHUNK:
            insert_rows(cur, sqlite, "transfers", columns, batch)
            batch = []
    insert_rows(cur, sqlite, "transfers", columns, batch)

    accounts = []
    for account, kind in kinds.items():
        village = village_of.get(account) or (
            account - residents if kind == "issuance" else account - residents - VILLAGES
        )
        debits, credits = counters[account]
        accounts.append(
            (account, kind, village, account if kind == "resident" else None, debits, credits,
             0, 0, stamp(now, sqlite))
        )  # fmt: skip
    columns = ["id", "kind", "village_id", "user_id", "debits_posted", "credits_posted",
               "debits_pending", "credits_pending", "created_at"]  # fmt: skip
    for start in range(0, len(accounts), CHUNK):
        insert_rows(cur, sqlite, "accounts", columns, accounts[start : start + CHUNK])

    rows = [
        (key, uid, town_of_village[village_of[uid]], village_of[uid],
         grid_of_household[household_of[uid]], household_of[uid], points, stamp(reached, sqlite))
        for (key, uid), (points, reached) in earned.items()
    ]  # fmt: skip
    columns = ["period", "resident_id", "town_id", "village_id", "grid_id", "household_id",
               "points", "reached_at"]  # fmt: skip
    for start in range(0, len(rows), CHUNK):
        insert_rows(cur, sqlite, "earned_totals", columns, rows[start : start + CHUNK])
    cur.execute(
        "UPDATE ledger_head SET last_id = {m}, hash = {m} WHERE id = 1".format(
            m="?" if sqlite else "%s"
        ),
        (transfers, prev),
    )
    if not sqlite:  # identity sequences must continue after the ids written here
        for table in ("cities", "towns", "villages", "grids", "households", "users", "accounts",
                      "earned_totals"):  # fmt: skip
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    raw.commit()
    cur.execute("PRAGMA foreign_keys=ON" if sqlite else "SET session_replication_role = DEFAULT")
    cur.execute("ANALYZE")
    raw.commit()


# --- timing -----------------------------------------------------------------------------
def p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# What the scopes' timings ask for: (label, query string). Place 1 of each level exists.
SCOPED = [
    ("residents, grid", "scope=grid&grid_id=1"),
    ("residents, village", "scope=village&village_id=1"),
    ("residents, town", "scope=town&town_id=1"),
    ("residents, city", "scope=city"),
    ("households, town", "kind=households&scope=town&town_id=1"),
    ("households, city", "kind=households&scope=city"),
    ("villages, town", "kind=villages&scope=town&town_id=1"),
    ("villages, city", "kind=villages&scope=city"),
]


def time_api(app, repeats: int, query: str = "scope=city", full: bool = True) -> float:
    client = app.test_client()
    url = f"/api/v1/leaderboard?{query}&period=month&limit=50"
    for _ in range(20):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        answer = client.get(url)
        samples.append(time.perf_counter() - started)
        assert answer.status_code == 200 and (len(answer.get_json()) == 50 or not full)
    return p50(samples)


def time_place_of(app, repeats: int) -> tuple[float, int]:
    """place_of for the resident with the lowest score this month (the most counted ahead)."""
    from sqlalchemy import select

    from points.board import leaderboard
    from points.models import EarnedTotal

    with app.app_context():
        last = db.session.scalar(
            select(EarnedTotal.resident_id)
            .where(EarnedTotal.period == period_keys(utcnow())[2], EarnedTotal.points > 0)
            .order_by(EarnedTotal.points, EarnedTotal.reached_at.desc())
            .limit(1)
        )
        samples = []
        for i in range(repeats + 20):
            started = time.perf_counter()
            place = leaderboard.place_of(db.session, last)
            if i >= 20:
                samples.append(time.perf_counter() - started)
        db.session.remove()
    return p50(samples), place["city_rank"]


def scoped_plans(app, sqlite: bool, period: str) -> dict[str, str]:
    """How the database runs each scope's prebuilt resident ranking (EXPLAIN of the real
    statement, with the scope's place 1)."""
    from points.board import leaderboard

    found = {}
    with app.app_context():
        with db.engine.connect() as conn:
            for scope, statement in leaderboard._RESIDENTS.items():
                compiled = statement.compile(dialect=conn.dialect)
                params = compiled.construct_params({"key": period, "limit": 50, "place": 1})
                args = (
                    tuple(params[k] for k in compiled.positiontup)
                    if compiled.positional
                    else params
                )
                if sqlite:
                    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, args)
                    found[scope] = "; ".join(row[-1] for row in rows)
                else:
                    rows = conn.exec_driver_sql("EXPLAIN ANALYZE " + compiled.string, args)
                    keep = ("Limit", "Sort", "Scan", "Execution Time")  # the lines that matter
                    lines = [row[0] for row in rows if any(k in row[0] for k in keep)]
                    found[scope] = "\n        ".join(lines)
        db.engine.dispose()
    return found


def time_floor(app, repeats: int) -> float:
    """The app's smallest request (GET /healthz: one SELECT 1), the framework's own cost."""
    client = app.test_client()
    for _ in range(20):
        client.get("/healthz")
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get("/healthz")
        samples.append(time.perf_counter() - started)
    return p50(samples)


def time_raw(raw, sqlite: bool, period: str, repeats: int) -> float:
    sql = RANKING_SQL.format(p="?" if sqlite else "%s", false="0" if sqlite else "false")
    cur = raw.cursor()
    for _ in range(20):
        cur.execute(sql, (period,))
        cur.fetchall()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        cur.execute(sql, (period,))
        rows = cur.fetchall()
        samples.append(time.perf_counter() - started)
        assert len(rows) == 50
    return p50(samples)


def plan(raw, sqlite: bool, period: str) -> str:
    cur = raw.cursor()
    if sqlite:
        cur.execute("EXPLAIN QUERY PLAN " + RANKING_SQL.format(p="?", false="0"), (period,))
        return "; ".join(row[-1] for row in cur.fetchall())
    cur.execute("EXPLAIN " + RANKING_SQL.format(p="%s", false="false"), (period,))
    return " | ".join(row[0].strip() for row in cur.fetchall()[:6])


def run(size: int, transfers: int, args, folder: Path) -> dict:
    url, drop = fresh_database(args.database_url, f"{size}", folder)
    sqlite = url.startswith("sqlite")
    try:
        app = make_app(url, folder)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(ROOT / "migrations"))
            started = time.perf_counter()
            raw = db.engine.raw_connection()
            if sqlite:
                raw.execute("PRAGMA synchronous=OFF")
            seed(raw, sqlite, size, transfers, random.Random(size))
            seeded = time.perf_counter() - started
            started = time.perf_counter()
            check = ledger.verify(db.session)
            verified = time.perf_counter() - started
            assert check.ok, check.problems[:5]
            db.session.remove()
            period = period_keys(utcnow())[2]
            api = time_api(app, args.repeats)
            scoped = {
                label: time_api(app, args.repeats, query, full=False) for label, query in SCOPED
            }
            place_ms, place_rank = time_place_of(app, args.repeats)
            plans = scoped_plans(app, sqlite, period)
            floor = time_floor(app, args.repeats)
            baseline = time_raw(raw, sqlite, period, args.repeats)
            how = plan(raw, sqlite, period)
            raw.close()
            db.engine.dispose()
    finally:
        drop()
    result = {
        "residents": size,
        "transfers": transfers,
        "seed_s": seeded,
        "verify_s": verified,
        "api_ms": api,
        "raw_ms": baseline,
        "floor_ms": floor,
        "plan": how,
        "scoped": scoped,
        "place_ms": place_ms,
    }
    print(
        f"{size:>7} residents, {transfers:>8} transfers: seeded in {seeded:.0f} s, verified "
        f"(ok) in {verified:.0f} s; API p50 {api:.2f} ms, raw SQL p50 {baseline:.2f} ms, "
        f"ratio {api / baseline:.1f}×; GET /healthz p50 {floor:.2f} ms",
        flush=True,
    )
    print(f"    plan: {how}", flush=True)
    for label, ms in scoped.items():
        print(f"    {label:<20} API p50 {ms:.2f} ms", flush=True)
    print(f"    place_of (city rank {place_rank}, the last) p50 {place_ms:.2f} ms", flush=True)
    for scope, how in plans.items():
        print(f"    plan, residents by {scope}: {how}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server (a database is created)")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--transfers", type=int, default=2_000_000)
    parser.add_argument("--small", type=int, default=10_000, help="the smaller run's residents")
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    per_resident = args.transfers / args.residents
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        small = run(args.small, int(args.small * per_resident), args, folder)
        large = run(args.residents, args.transfers, args, folder)
    print()
    print("target: API p50 ≤ 3× raw SQL p50; large p50 ≤ 1.5× small p50")
    for r in (small, large):
        ratio = r["api_ms"] / r["raw_ms"]
        print(
            f"  {r['residents']:>7} residents: API {r['api_ms']:.2f} ms / raw {r['raw_ms']:.2f} ms"
            f" = {ratio:.1f}× {'ok' if ratio <= 3 else 'MISSED'}; above the /healthz floor "
            f"{r['api_ms'] - r['floor_ms']:.2f} ms"
        )
    growth = large["api_ms"] / small["api_ms"]
    print(
        f"  growth {args.small} → {args.residents}: {growth:.2f}× "
        f"{'ok' if growth <= 1.5 else 'MISSED'}"
    )
    for label in small["scoped"]:
        before, after = small["scoped"][label], large["scoped"][label]
        print(f"  {label:<20} {before:.2f} → {after:.2f} ms ({after / before:.2f}×)")
    print(f"  {'place_of (last)':<20} {small['place_ms']:.2f} → {large['place_ms']:.2f} ms")


if __name__ == "__main__":
    main()
