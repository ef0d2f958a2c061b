"""gunicorn settings for `make run`: say where the app is only once it listens."""

import os

port = os.environ.get("PORT", "8000")


def when_ready(server) -> None:
    """Called by gunicorn once its socket listens: now the address works."""
    from points.demo import logins_text

    print("", flush=True)
    print(f"平安积分已启动 · Ping'an Points is running: http://127.0.0.1:{port}", flush=True)
    print(logins_text(), flush=True)
    print("", flush=True)
