"""Benchmark: 500 residents check in to one event from 64 concurrent clients.

Starts the app under gunicorn (2 workers; SQLite in WAL mode, or --database-url for
PostgreSQL), and in the same run the bare baseline (bench/bare_app.py: one SQLite insert
transaction per request) under the same gunicorn, then prints check-ins/s, p50/p99 latency,
the server's CPU per request, the ratio app/baseline, and verifies the ledger: exactly one
award per resident, no errors. Both servers are warmed up first with the request they are
measured on (the app: the first 64 residents check in to a second event), so that the
figures are the steady state, not the first compilation of each statement.

    .venv/bin/python bench/checkin.py [--database-url postgresql://…] [--residents 500]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import served  # noqa: E402
from bench.databases import fresh_postgres  # noqa: E402

SECRET = "bench-secret-" + uuid.uuid4().hex


def server_cpu(server: served.Server) -> float:
    """CPU seconds used so far by gunicorn's master and workers (Linux /proc)."""
    process = server.process
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        children = []
    return used(process.pid) + sum(used(int(pid)) for pid in children)


def prepare(db_url: str, instance: Path, residents: int) -> dict:
    """Migrate, then make a village, its residents, one open event and everyone's API token."""
    os.environ["INSTANCE_PATH"] = str(instance)
    from flask_migrate import upgrade

    from points import create_app
    from points.auth import issue_token
    from points.checkin import events
    from points.checkin.categories import ensure_categories
    from points.checkin.events import EventForm
    from points.db import write_transaction
    from points.extensions import db
    from points.models import EventCategory, Role, utcnow
    from points.people import NewPerson, add_person
    from points.places import create_village

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        session = db.session
        with write_transaction(session):
            ensure_categories(session)
        village = create_village(session, name="谷来村", code="GL01")
        with write_transaction(session):
            admin = add_person(
                session, NewPerson("谷来书记", "13900000001", village.id, Role.VILLAGE_ADMIN.value)
            )
            people = [
                add_person(session, NewPerson(f"村民{n:03d}", f"138{n:08d}", village.id))
                for n in range(1, residents + 1)
            ]
        category = session.scalar(db.select(EventCategory).where(EventCategory.code == "patrol"))
        event, warm_up = (
            events.create_event(
                session,
                admin,
                EventForm(
                    title=title,
                    category_id=category.id,
                    village_id=village.id,
                    starts_at=utcnow() - timedelta(minutes=10),
                    ends_at=utcnow() + timedelta(hours=2),
                    points=10,
                ),
            )
            for title in ("夜间治安巡防", "消防演练（热身）")
        )
        tokens = [issue_token(person)[0] for person in people]
        info = {
            "event_id": event.id,
            "warm_up_event_id": warm_up.id,
            "points": event.points,
            "tokens": tokens,
        }
        db.engine.dispose()
    return info


@functools.cache
def _code_for_step(event_id: int, step: int) -> str:
    from points.checkin import codes

    return codes.make_event_code(SECRET, codes.EventCode(event_id, "rotating", step, 1))


def event_code(event_id: int) -> str:
    """The live screen's current code, as the server makes it: one code per 30-second step,
    which every phone in the room scans."""
    from points.checkin import codes

    return _code_for_step(event_id, codes.current_step(30))


def hammer(jobs: list, clients: int, send) -> tuple[float, list[float], list]:
    """Run every job from `clients` threads at once; return (seconds, latencies, failures)."""
    local = threading.local()
    latencies: list[float] = []
    failures: list = []
    lock = threading.Lock()

    def run(job):
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
        began = time.perf_counter()
        try:
            status, body = send(http, job)
        except Exception as exc:  # a refused connection is a failure too
            status, body = 0, repr(exc)
        took = time.perf_counter() - began
        with lock:
            latencies.append(took)
            if status not in (200, 201):
                failures.append((status, body))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(run, jobs))
    return time.perf_counter() - started, latencies, failures


def summary(name: str, n: int, seconds: float, latencies: list[float], failures: list) -> dict:
    ordered = sorted(latencies)
    return {
        "name": name,
        "requests": n,
        "seconds": round(seconds, 3),
        "per_second": round(n / seconds, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "errors": len(failures),
        "first_errors": failures[:3],
    }


def verify(db_url: str, instance: Path, info: dict) -> dict:
    from sqlalchemy import func, select

    from points import create_app, ledger
    from points.extensions import db
    from points.models import Account, Checkin, Transfer, User

    os.environ["INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": SECRET})
    with app.app_context():
        session = db.session
        checkins = session.scalar(select(func.count()).where(Checkin.event_id == info["event_id"]))
        awards = session.scalar(
            select(func.count())
            .select_from(Transfer)
            .join(Checkin, Checkin.transfer_id == Transfer.id)
            .where(Transfer.kind == "award", Checkin.event_id == info["event_id"])
        )
        earned = (
            select(func.coalesce(func.sum(Checkin.points), 0))
            .where(Checkin.resident_id == User.id)
            .scalar_subquery()
        )
        wrong = session.scalar(
            select(func.count())
            .select_from(Account)
            .join(User, User.id == Account.user_id)
            .where(
                User.role == "resident",
                Account.credits_posted - Account.debits_posted != earned,
            )
        )
        checked = ledger.verify(session)
        db.engine.dispose()
    return {
        "checkins": checkins,
        "awards": awards,
        "residents_with_wrong_balance": wrong,
        "ledger_ok": checked.ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="points-bench-"))
    instance = scratch / "instance"
    instance.mkdir()
    drop = None
    if args.database_url:
        db_url, drop = fresh_postgres(args.database_url, "checkin")
        label = "PostgreSQL"
    else:
        db_url = f"sqlite:///{scratch / 'points.sqlite3'}"
        label = "SQLite (WAL)"
    try:
        print(f"preparing {args.residents} residents on {label} …", flush=True)
        info = prepare(db_url, instance, args.residents)
        env = {
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": SECRET,
            "RATELIMIT_ENABLED": "0",
            "BARE_DB": str(scratch / "bare.sqlite3"),
        }
        event_id = info["event_id"]

        # The app: each resident scans the live code once.
        app = served.start(env, scratch / "app.log", workers=args.workers, timeout=120)
        app_url = app.url
        try:

            def check_in(http, token):
                answer = http.post(
                    f"{app_url}/api/v1/checkins",
                    json={"token": event_code(event_id)},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                )
                return answer.status_code, answer.text[:200]

            def warm(http, token):  # the same path, at another event: steady state, as for bare
                answer = http.post(
                    f"{app_url}/api/v1/checkins",
                    json={"token": event_code(info["warm_up_event_id"])},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
                return answer.status_code, answer.text[:200]

            _, _, warm_failures = hammer(info["tokens"][: args.clients], args.clients, warm)
            if warm_failures:
                raise SystemExit(f"warm-up check-ins failed: {warm_failures[:3]}")
            cpu, client_cpu = server_cpu(app), time.process_time()
            seconds, latencies, failures = hammer(info["tokens"], args.clients, check_in)
            client_cpu = time.process_time() - client_cpu
            app_result = summary(
                "app: POST /api/v1/checkins", len(latencies), seconds, latencies, failures
            )
            app_result["server_cpu_ms"] = round((server_cpu(app) - cpu) / args.residents * 1e3, 2)
            app_result["client_cpu_ms"] = round(client_cpu / args.residents * 1e3, 2)
        finally:
            app.stop()

        # The baseline: one SQLite insert transaction per request, same gunicorn.
        bare = served.start(
            env, scratch / "bare.log", app="bench.bare_app:app", workers=args.workers, timeout=120
        )
        bare_url = bare.url
        try:

            def insert(http, n):
                answer = http.post(f"{bare_url}/insert/{n}", timeout=120)
                return answer.status_code, ""

            hammer(list(range(args.clients)), args.clients, insert)
            cpu, client_cpu = server_cpu(bare), time.process_time()
            seconds, latencies, failures = hammer(list(range(args.residents)), args.clients, insert)
            client_cpu = time.process_time() - client_cpu
            bare_result = summary(
                "bare Flask + one SQLite insert", len(latencies), seconds, latencies, failures
            )
            bare_result["server_cpu_ms"] = round((server_cpu(bare) - cpu) / args.residents * 1e3, 2)
            bare_result["client_cpu_ms"] = round(client_cpu / args.residents * 1e3, 2)
        finally:
            bare.stop()

        checked = verify(db_url, instance, info)
        ratio = app_result["per_second"] / bare_result["per_second"]
        report = {
            "database": label,
            "workers": args.workers,
            "clients": args.clients,
            "app": app_result,
            "baseline": bare_result,
            "ratio": round(ratio, 2),
            "ledger": checked,
        }
        for part in (app_result, bare_result):
            print(
                f"{part['name']:<34} {part['per_second']:>8.1f} req/s   "
                f"p50 {part['p50_ms']:>7.1f} ms   p99 {part['p99_ms']:>7.1f} ms   "
                f"errors {part['errors']}   CPU/req: server {part['server_cpu_ms']:.2f} ms, "
                f"load generator {part['client_cpu_ms']:.2f} ms"
            )
        print(f"ratio app/baseline: {ratio:.2f} (target ≥ 0.6)")
        print(
            f"ledger: {checked['checkins']} check-ins, {checked['awards']} awards, "
            f"{checked['residents_with_wrong_balance']} wrong balances, "
            f"verify {'OK' if checked['ledger_ok'] else 'FAILED'}"
        )
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        (results / f"checkin-{'pg' if args.database_url else 'sqlite'}.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False)
        )
        good = (
            app_result["errors"] == 0
            and checked["checkins"] == args.residents
            and checked["awards"] == args.residents
            and checked["residents_with_wrong_balance"] == 0
            and checked["ledger_ok"]
        )
        return 0 if good else 1
    finally:
        if drop:
            drop()


if __name__ == "__main__":
    raise SystemExit(main())
