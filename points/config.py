"""Settings from the environment; SQLite in instance/ by default."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

# Cookie flags (Secure is added over https by points/protection.py).
REMEMBER_DAYS = 30
COOKIE_SETTINGS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=REMEMBER_DAYS),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def _instance_secret(instance_path: str, name: str) -> str:
    """Return a secret kept in instance/, generating it on first use."""
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # Two gunicorn workers may race here: O_EXCL makes exactly one of them write it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def _normalise_db_url(url: str) -> str:
    """Let plain postgres:// URLs use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(instance_path: str) -> dict:
    """Build the configuration dict from the environment."""
    env = os.environ
    db_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'points.sqlite3'}"
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path, "secret_key"),
        "SQLALCHEMY_DATABASE_URI": _normalise_db_url(db_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": env.get("BASE_URL", ""),
        "TOKEN_MAX_AGE": int(env.get("TOKEN_MAX_AGE", 30 * 24 * 3600)),
        "CHECKIN_ROTATE_SECONDS": int(env.get("CHECKIN_ROTATE_SECONDS", 30)),
        "CHECKIN_SCAN_TTL": int(env.get("CHECKIN_SCAN_TTL", 600)),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "SQLITE_WRITE_WAIT": float(env.get("SQLITE_WRITE_WAIT", 10)),
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") == "1",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "points"),
        # Wrong passwords per IP (page and API together; Flask-Limiter) and per account (in
        # the database: the account locks for one window); voucher guesses per staff account.
        "LOGIN_FAILS_PER_IP": env.get("LOGIN_FAILS_PER_IP", "10 per minute"),
        "LOGIN_FAILS_PER_ACCOUNT": env.get("LOGIN_FAILS_PER_ACCOUNT", "5 per 15 minutes"),
        "VOUCHER_FAILS_PER_USER": env.get("VOUCHER_FAILS_PER_USER", "20 per 10 minutes"),
        "UPLOAD_MAX_BYTES": int(env.get("UPLOAD_MAX_BYTES", 2 * 1024 * 1024)),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 8 * 1024 * 1024)),
        # Assets are kept by phones for an hour: a repeat visit on a weak network fetches
        # the page alone (the offline app keeps them longer, in its service worker).
        "SEND_FILE_MAX_AGE_DEFAULT": int(env.get("STATIC_MAX_AGE", 3600)),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "DISPLAY_TIMEZONE": "Asia/Shanghai",
        "WTF_CSRF_TIME_LIMIT": None,
        "PREFERRED_URL_SCHEME": env.get("PREFERRED_URL_SCHEME", "http"),
        **COOKIE_SETTINGS,
        # flask-smorest / OpenAPI
        "API_TITLE": "Ping'an Points API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
        # No call to validator.swagger.io: the docs must work on a village intranet.
        "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
        "API_SPEC_OPTIONS": {
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
            "security": [{"bearerAuth": []}],
        },
    }
