"""Benchmark the write paths with wrk, each beside a bare insert in the same run.

    .venv/bin/python bench/wrk_bench.py [--databases sqlite,postgresql] [--duration 5]

For each database it builds a village of residents (each with a bearer token and points to
spend), starts the app and the bare baseline (bench/bare_app.py: one insert transaction per
request, on the same kind of database) under the same gunicorn settings, and then runs, for
`--rounds` rounds, every workload once — bare insert, the stack's own insert
(bench/stack_app.py: the same framework layers in front of one insert, the ceiling of any
write through them), check-in, redeem hold, approve, adjustment, leaderboard — with `wrk -t2
-c32` and bench/lua/cycle.lua, which cycles the prepared requests (one per resident for
check-ins: a fresh event per run) and counts every answer that is not the expected status.
After each run it reads the server's CPU (the gunicorn master and workers, from /proc), the
load average, checks that the database holds exactly what the good answers say (check-ins,
holds, approvals, adjustments) and runs `ledger.verify`. It prints the medians of the
rounds, the ratio to the bare insert of the same round (median of the per-round ratios) and
whether each target of issue #16 is met.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import served  # noqa: E402
from bench.databases import fresh_postgres  # noqa: E402

SECRET = "bench-secret-" + uuid.uuid4().hex
SCRIPT = ROOT / "bench" / "lua" / "cycle.lua"
WORKLOADS = ("bare", "stack", "checkin", "redeem", "approve", "adjust", "leaderboard")
# workload: (method, expected status, cycle the prepared requests?)
SHAPES = {
    "bare": ("POST", 201, True),
    "stack": ("POST", 201, True),
    "checkin": ("POST", 201, False),
    "redeem": ("POST", 201, True),
    "approve": ("POST", 200, False),
    "adjust": ("POST", 201, True),
    "leaderboard": ("GET", 200, True),
}
WRITES = ("checkin", "redeem", "approve", "adjust")
BEFORE = "@before"  # a workload served by --baseline-tree's app: "checkin@before"
RATIO_TARGET = 0.25
CPU_TARGETS_SQLITE = {"checkin": 1.5, "redeem": 2.0}  # ms of server CPU per request


@dataclass
class World:
    village_id: int
    reward_id: int
    admin_token: str
    residents: list[tuple[int, str]]  # (user id, bearer token)
    stack_tokens: list[str] = field(default_factory=list)  # bench/stack_app.py's people
    events: list[int] = field(default_factory=list)


def server_cpu(server: served.Server) -> float:
    """CPU seconds used so far by gunicorn's master and workers (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    pid = server.process.pid

    def used(one: int) -> float:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return used(pid) + sum(used(int(child)) for child in children)


def quiet(server: served.Server, limit: float = 60.0) -> float:
    """Wait until the server's CPU stops moving (it has answered what it accepted)."""
    deadline = time.monotonic() + limit
    used = server_cpu(server)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = server_cpu(server)
        if now == used:
            return now
        used = now
    return used


# --- the village ----------------------------------------------------------------------------
def make_app(db_url: str, instance: Path):
    os.environ["INSTANCE_PATH"] = str(instance)
    from points import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False}
    )


def prepare(app, residents: int, events: int, pending: int) -> World:
    """Migrate; a town, a village, its admin, residents with 1,000 points each, a 1-point
    reward, `events` open events and `pending` held redemptions waiting for approval."""
    from flask_migrate import upgrade

    from points import ledger
    from points.auth import issue_token
    from points.checkin import events as event_cases
    from points.db import write_transaction
    from points.extensions import db
    from points.models import Role, utcnow
    from points.people import NewPerson, add_person
    from points.places.opening import open_town
    from points.places.tree import create_city, create_village
    from points.shop import catalogue, redemption

    with app.app_context():
        upgrade()
        session = db.session
        create_city(session, name="嵊州市", code="SZ")
        town = open_town(session, name="谷来镇", code="GL")
        village = create_village(session, town_id=town.id, name="谷来村", code="GL01")
        with write_transaction(session):
            admin = add_person(
                session, NewPerson("谷来书记", "13900000001", village.id, Role.VILLAGE_ADMIN.value)
            )
        people = []
        for start in range(0, residents, 500):
            with write_transaction(session):
                people += [
                    add_person(session, NewPerson(f"村民{n:05d}", f"138{n:08d}", village.id))
                    for n in range(start + 1, min(residents, start + 500) + 1)
                ]
            with write_transaction(session):
                issuance = ledger.village_account(session, village.id, "issuance").id
                for person in people[start:]:
                    ledger.transfer(
                        session,
                        debit_id=issuance,
                        credit_id=ledger.resident_account(session, person.id).id,
                        amount=1000,
                        kind="award",
                        memo="起始积分",
                    )
        reward = catalogue.create_reward(
            session,
            actor=admin,
            fields=catalogue.RewardFields(name="肥皂", points_cost=1, village_id=village.id),
        )
        made = [
            event_cases.create_event(
                session,
                admin,
                event_cases.EventForm(
                    title=f"夜间治安巡防 {n}",
                    category_id=None,
                    category="patrol",
                    village_id=village.id,
                    starts_at=utcnow() - timedelta(minutes=10),
                    ends_at=utcnow() + timedelta(hours=3),
                    points=10,
                ),
            ).id
            for n in range(events)
        ]
        for person in people[:pending]:
            redemption.request(session, resident=person, reward_id=reward.id, quantity=1)
        world = World(
            village_id=village.id,
            reward_id=reward.id,
            admin_token=issue_token(admin)[0],
            residents=[(person.id, issue_token(person)[0]) for person in people],
            events=made,
        )
        db.session.remove()
        db.engine.dispose()
    return world


def counts(app) -> dict[str, int]:
    """What the runs are checked against: rows the good answers must have made."""
    from sqlalchemy import func, select

    from points.extensions import db
    from points.models import Checkin, Redemption, Transfer

    with app.app_context():
        session = db.session
        found = {
            "checkins": session.scalar(select(func.count()).select_from(Checkin)),
            "redemptions": session.scalar(select(func.count()).select_from(Redemption)),
            "approved": session.scalar(select(func.count()).where(Redemption.status == "approved")),
            "adjustments": session.scalar(
                select(func.count()).select_from(Transfer).where(Transfer.kind == "adjust")
            ),
        }
        session.remove()
    return found


def pending_ids(app) -> list[int]:
    from sqlalchemy import select

    from points.extensions import db
    from points.models import Redemption

    with app.app_context():
        found = list(
            db.session.scalars(
                select(Redemption.id).where(Redemption.status == "pending").order_by(Redemption.id)
            )
        )
        db.session.remove()
    return found


def verify_ledger(app) -> tuple[bool, float, str]:
    from points import ledger
    from points.extensions import db

    with app.app_context():
        began = time.perf_counter()
        # From the last run's checkpoint: what this run wrote, and a window of older rows.
        checked = ledger.verify(db.session, secret=SECRET)
        took = time.perf_counter() - began
        db.session.remove()
    return checked.ok, took, checked.first_problem or ""


# --- requests -------------------------------------------------------------------------------
def requests_for(workload: str, world: World, app, *, event_id: int | None = None) -> list[str]:
    """The lines cycle.lua sends: path, bearer token, JSON body."""
    if workload == "bare":
        return [f"/insert/{n}\t\t" for n in range(1, 10_001)]
    if workload == "stack":
        body = json.dumps({"words": "夜间巡防"}, ensure_ascii=False)
        return [f"/stack/notes\t{token}\t{body}" for token in world.stack_tokens]
    if workload == "checkin":
        from points.checkin import codes

        code = codes.make_event_code(
            SECRET, codes.EventCode(event_id, "rotating", codes.current_step(30), 1)
        )
        body = json.dumps({"token": code})
        return [f"/api/v1/checkins\t{token}\t{body}" for _, token in world.residents]
    if workload == "redeem":
        body = json.dumps({"reward_id": world.reward_id, "quantity": 1})
        return [f"/api/v1/redemptions\t{token}\t{body}" for _, token in world.residents]
    if workload == "approve":
        return [
            f"/api/v1/redemptions/{rid}/approve\t{world.admin_token}\t" for rid in pending_ids(app)
        ]
    if workload == "adjust":
        return [
            f"/api/v1/adjustments\t{world.admin_token}\t"
            + json.dumps({"resident_id": uid, "amount": 1, "reason": "压测加分"})
            for uid, _ in world.residents
        ]
    if workload == "leaderboard":
        # Every board a resident opens in the village: its scope and the town's, each period.
        return [
            f"/api/v1/leaderboard?scope={scope}&village_id={world.village_id}&period={period}\t\t"
            for scope in ("village", "town")
            for period in ("month", "year", "all")
        ]
    raise ValueError(workload)


def wrk(url: str, lines: list[str], workload: str, folder: Path, seconds: float) -> dict:
    method, expected, wrap = SHAPES[base_of(workload)]
    data = folder / f"{base_of(workload)}.tsv"
    data.write_text("\n".join(lines) + "\n")
    args = [
        "wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "30s", "-s", str(SCRIPT), url,
        "--", str(data), method, str(expected), "2",
    ]  # fmt: skip
    if wrap:
        args.append("wrap")
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk said:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line[4:])
    result["per_second"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# --- one database -----------------------------------------------------------------------------
def bench_database(kind: str, base_pg: str, args) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix=f"points-wrk-{kind}-"))
    instance = scratch / "instance"
    instance.mkdir()
    drops = []
    if kind == "postgresql":
        db_url, drop = fresh_postgres(base_pg, "wrk")
        bare_url, drop_bare = fresh_postgres(base_pg, "bare")
        stack_url, drop_stack = fresh_postgres(base_pg, "stack")
        drops += [drop, drop_bare, drop_stack]
        bare_env = {"BARE_DATABASE_URL": bare_url, "STACK_DATABASE_URL": stack_url}
    else:
        db_url = f"sqlite:///{scratch / 'points.sqlite3'}"
        stack_url = f"sqlite:///{scratch / 'stack.sqlite3'}"
        bare_env = {
            "BARE_DB": str(scratch / "bare.sqlite3"),
            "STACK_DB": str(scratch / "stack.sqlite3"),
        }
    try:
        app = make_app(db_url, instance)
        began = time.perf_counter()
        # A fresh event per check-in run (two per round when comparing), and one to warm up.
        world = prepare(app, args.residents, args.rounds * 2 + 1, args.pending)
        if "stack" in args.workloads:
            made = subprocess.run(
                [sys.executable, "-m", "bench.stack_app", stack_url, str(args.residents)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            world.stack_tokens = json.loads(made.stdout.splitlines()[-1])
        print(
            f"\n== {kind}: {args.residents} residents prepared in "
            f"{time.perf_counter() - began:.0f} s",
            flush=True,
        )
        env = {
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": SECRET,
            "RATELIMIT_ENABLED": "0",
            **bare_env,
        }
        servers = {
            "app": served.start(env, scratch / "app.log", workers=args.workers, timeout=120),
            "bare": served.start(
                env, scratch / "bare.log", app="bench.bare_app:app", workers=args.workers
            ),
        }
        if "stack" in args.workloads:
            servers["stack"] = served.start(
                env, scratch / "stack.log", app="bench.stack_app:create_app()", workers=args.workers
            )
        if args.baseline_tree:
            servers["before"] = served.start(
                env,
                scratch / "before.log",
                workers=args.workers,
                timeout=120,
                root=Path(args.baseline_tree),
            )
        runs: dict[str, list[dict]] = {w: [] for w in args.workloads}
        try:
            # Warm up every path (a second of each; check-ins at their own event).
            for workload in args.workloads:
                server = servers[server_of(workload)]
                lines = requests_for(base_of(workload), world, app, event_id=world.events[-1])
                wrk(server.url, lines, workload, scratch, 1)
            for round_no in range(args.rounds):
                for workload in args.workloads:
                    server = servers[server_of(workload)]
                    event_id = world.events[round_no * 2 + workload.endswith(BEFORE)]
                    lines = requests_for(base_of(workload), world, app, event_id=event_id)
                    before = counts(app)
                    cpu = server_cpu(server)
                    result = wrk(server.url, lines, workload, scratch, args.duration)
                    # wrk stops counting at its deadline; let the server finish what it has
                    # accepted before reading its CPU, counting rows and verifying.
                    used = quiet(server)
                    result["server_cpu_ms"] = (used - cpu) / max(1, result["requests"]) * 1e3
                    result["load"] = os.getloadavg()[0]
                    after = counts(app)
                    result["check"] = check_rows(workload, before, after, result, world, round_no)
                    ok, took, problem = verify_ledger(app)
                    result["ledger_ok"], result["verify_s"] = ok, took
                    if not ok:
                        result["check"] += f"; ledger: {problem}"
                    runs[workload].append(result)
                    print(line_of(kind, round_no, workload, result), flush=True)
        finally:
            for server in servers.values():
                server.stop()
        return summarise(kind, runs, args)
    finally:
        for drop in drops:
            drop()
        shutil.rmtree(scratch, ignore_errors=True)


def base_of(workload: str) -> str:
    """The workload's kind: "checkin@before" is a check-in."""
    return workload.split("@")[0]


def server_of(workload: str) -> str:
    if workload in ("bare", "stack"):
        return workload
    return "before" if workload.endswith(BEFORE) else "app"


def check_rows(workload, before, after, result, world, round_no) -> str:
    """'' when the database holds what the good answers say; else what differs."""
    workload = base_of(workload)
    key = {
        "checkin": "checkins",
        "redeem": "redemptions",
        "approve": "approved",
        "adjust": "adjustments",
    }.get(workload)
    problems = []
    if result["bad"] or result["socket_errors"] or result["timeouts"]:
        problems.append(
            f"{result['bad']} unexpected answers ({result['first_bad'][:120]}), "
            f"{result['socket_errors']} socket errors, {result['timeouts']} timeouts"
        )
    if result["ran_out"]:
        problems.append("ran out of prepared requests")
    if key:
        made = after[key] - before[key]
        # wrk stops counting at the deadline; up to one request per connection is still
        # being answered then, and the server completes it.
        if not result["good"] <= made <= result["good"] + 32:
            problems.append(f"{made} {key} written for {result['good']} good answers")
    return "; ".join(problems)


def line_of(kind: str, round_no: int, workload: str, r: dict) -> str:
    return (
        f"{kind:<10} round {round_no + 1} {workload:<15} {r['per_second']:>8.1f} req/s  "
        f"p50 {r['p50_us'] / 1000:>6.1f} ms  p99 {r['p99_us'] / 1000:>6.1f} ms  "
        f"CPU {r['server_cpu_ms']:.2f} ms/req  load {r['load']:.2f}  "
        f"verify {'OK' if r['ledger_ok'] else 'FAILED'} ({r['verify_s']:.2f} s)"
        + (f"  !! {r['check']}" if r["check"] else "")
    )


def summarise(kind: str, runs: dict[str, list[dict]], args) -> dict:
    bare = runs.get("bare", [])
    table = {}
    for workload, results in runs.items():
        ratios = [r["per_second"] / b["per_second"] for r, b in zip(results, bare, strict=False)]
        table[workload] = {
            "per_second": statistics.median(r["per_second"] for r in results),
            "p50_ms": statistics.median(r["p50_us"] for r in results) / 1000,
            "p99_ms": statistics.median(r["p99_us"] for r in results) / 1000,
            "server_cpu_ms": statistics.median(r["server_cpu_ms"] for r in results),
            "ratio": statistics.median(ratios) if ratios else float("nan"),
            "load": [round(r["load"], 2) for r in results],
            "clean": all(not r["check"] and r["ledger_ok"] for r in results),
        }
    return {"database": kind, "table": table, "runs": runs}


def why_missed(table: dict, workload: str) -> str:
    """A missed ratio in the bench's own numbers: what the framework stack alone reaches
    (bench/stack_app.py: bearer login, schemas, ORM, one insert) and what the write adds."""
    floor, row = table.get("stack"), table[workload]
    if floor is None:
        return ""
    return (
        f" (the stack alone, one insert: {floor['ratio']:.3f}× at "
        f"{floor['server_cpu_ms']:.2f} ms CPU; this write: {row['ratio'] / floor['ratio']:.0%} "
        f"of that, +{row['server_cpu_ms'] - floor['server_cpu_ms']:.2f} ms CPU for its own work)"
    )


def report(summaries: list[dict], args) -> bool:
    print(
        f"\nwrk -t2 -c32 -d{args.duration}s, gunicorn {args.workers} sync workers, "
        f"{args.residents} residents, medians of {args.rounds} interleaved rounds; "
        f"ratio = median of (workload req/s ÷ bare insert req/s in the same round)"
    )
    print(
        f"{'database':<11}{'workload':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms':>8}{'ratio':>7}  load (per round)   clean"
    )
    good = True
    verdicts = []
    for summary in summaries:
        kind = summary["database"]
        for workload, row in summary["table"].items():
            print(
                f"{kind:<11}{workload:<16}{row['per_second']:>9.1f}{row['p50_ms']:>9.1f}"
                f"{row['p99_ms']:>9.1f}{row['server_cpu_ms']:>8.2f}{row['ratio']:>7.3f}  "
                f"{', '.join(f'{x:.2f}' for x in row['load']):<18} "
                f"{'yes' if row['clean'] else 'NO'}"
            )
            good &= row["clean"]
            if workload in WRITES:
                met = row["ratio"] >= RATIO_TARGET
                verdicts.append(
                    f"{kind} {workload}: ratio {row['ratio']:.3f} "
                    f"{'≥' if met else '<'} {RATIO_TARGET} — {'met' if met else 'MISSED'}"
                    + ("" if met else why_missed(summary["table"], workload))
                )
            if kind == "sqlite" and workload in CPU_TARGETS_SQLITE:
                limit = CPU_TARGETS_SQLITE[workload]
                met = row["server_cpu_ms"] <= limit
                verdicts.append(
                    f"{kind} {workload}: server CPU {row['server_cpu_ms']:.2f} ms "
                    f"{'≤' if met else '>'} {limit} ms — {'met' if met else 'MISSED'}"
                    + (
                        f" (the stack alone, one insert: {table['stack']['server_cpu_ms']:.2f} ms)"
                        if not met and "stack" in (table := summary["table"])
                        else ""
                    )
                )
    print("\ntargets (issue #16):")
    for verdict in verdicts:
        print("  " + verdict)
    print(f"every run clean (expected statuses, rows, ledger verified): {'yes' if good else 'NO'}")
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--residents", type=int, default=4000)
    parser.add_argument("--pending", type=int, default=1000, help="holds made before the runs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument(
        "--baseline-tree",
        default="",
        help="another checkout of the app (same schema): each write workload also runs "
        "against it in every round, right after this tree's (e.g. checkin@before)",
    )
    args = parser.parse_args()
    args.workloads = [w for w in args.workloads.split(",") if w]
    if args.baseline_tree:
        args.workloads = [
            x for w in args.workloads for x in ((w, w + BEFORE) if w in WRITES else (w,))
        ]
    if "bare" in args.workloads:  # the baseline runs first in every round
        args.workloads = ["bare"] + [w for w in args.workloads if w != "bare"]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk, or `make bench`)")
    summaries = [
        bench_database(kind, args.postgres_url, args) for kind in args.databases.split(",")
    ]
    good = report(summaries, args)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "wrk.json").write_text(json.dumps(summaries, indent=2, ensure_ascii=False))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
