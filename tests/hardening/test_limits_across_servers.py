"""The README's scale-out recipe, followed: two gunicorn instances on PostgreSQL share one
per-IP login limit through Redis."""

from __future__ import annotations

import uuid

import pytest
import redis
import requests

from bench.served import start

pytestmark = [pytest.mark.slow]

REDIS = "redis://127.0.0.1:6379/15"  # a scratch database number; keys carry a unique prefix


def _serve(db_url: str, instance, env: dict):
    """gunicorn (2 workers) as the README's recipe starts it, with the same SECRET_KEY."""
    instance.mkdir(parents=True)
    env = {"DATABASE_URL": db_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "s", **env}
    return start(env, instance / "server.log", workers=2, wait=120)


def test_two_gunicorn_instances_on_postgresql_share_one_login_limit_through_redis(
    db_kind, db_url, app, tmp_path
):
    if db_kind != "postgresql":
        pytest.skip("the README's recipe is PostgreSQL with several workers")
    prefix = f"points-test-{uuid.uuid4().hex[:8]}"
    env = {
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_FAILS_PER_IP": "6 per minute",
    }
    servers = [_serve(db_url, tmp_path / f"host{i}", env) for i in (1, 2)]
    try:
        answers = []
        for i in range(8):  # unknown phones: only the per-IP limit can stop them
            server = servers[i % 2]
            answer = requests.post(
                server.url + "/api/v1/auth/token",
                json={"phone": f"1390000{i:04d}", "password": "wrong"},
                timeout=30,
            )
            answers.append(answer.status_code)
        assert answers[:6] == [401] * 6, answers
        assert answers[6:] == [429, 429], answers  # both hosts refuse: the count is shared
    finally:
        for server in servers:
            server.stop()
        store = redis.Redis.from_url(REDIS)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)
