"""While another connection holds SQLite's write lock, do pages that only read keep being
served, and does a write that can't get the lock answer 503 with Retry-After in time?"""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bench.served import start

pytestmark = [pytest.mark.slow]

WAIT = 3  # SQLITE_WRITE_WAIT for this server: the write's bounded wait
READS = ("/healthz", "/leaderboard", "/shop")


@pytest.fixture
def threaded_server(db_kind, db_url, app, tmp_path, town, monkeypatch):
    """gunicorn as `make run` starts it: 2 workers of 4 threads each (gthread)."""
    if db_kind != "sqlite":
        pytest.skip("SQLite's one-writer lock")
    from points.extensions import db

    db.session.commit()
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--worker-class gthread --threads 4")
    instance = tmp_path / "served"
    instance.mkdir()
    env = {
        "DATABASE_URL": db_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "s",
        "RATELIMIT_ENABLED": "0",
        "SQLITE_WRITE_WAIT": str(WAIT),
    }
    server = start(env, instance / "server.log", workers=2, wait=120)
    yield server
    server.stop()


def test_reads_are_served_within_a_second_and_blocked_writes_answer_503_in_time(
    threaded_server, db_url, town
):
    url = threaded_server.url
    phone = town.resident_a.phone
    for _ in range(6):  # every worker has loaded its templates and connections
        for path in READS:
            requests.get(url + path, timeout=30)
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # an outside writer holds the lock
    try:

        def write(i: int):
            # A wrong password is a write (the account's failure count).
            started = time.monotonic()
            answer = requests.post(
                url + "/api/v1/auth/token", json={"phone": phone, "password": "no"}, timeout=60
            )
            return answer.status_code, answer.headers.get("Retry-After"), time.monotonic() - started

        with ThreadPoolExecutor(6) as pool:
            # Fewer waiting writes than a worker has threads (4): however the kernel spreads
            # the connections, every worker keeps a thread for reads. (Four writes that all
            # landed on one worker would hold its every thread until they answer 503.)
            writes = [pool.submit(write, i) for i in range(3)]
            time.sleep(0.5)
            for path in READS:
                started = time.monotonic()
                answer = requests.get(url + path, timeout=30)
                took = time.monotonic() - started
                assert answer.status_code == 200, path
                assert took < 1.0, (path, took)
            results = [w.result() for w in writes]
    finally:
        holder.rollback()
        holder.close()
    for status, retry_after, took in results:
        assert status == 503 and retry_after, results
        assert took < WAIT * 2 + 5, results  # bounded: well before gunicorn's 30 s timeout
