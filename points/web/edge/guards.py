"""Limits on guessing, as Flask glue: per-account counters in the database (they hold for
any number of workers and hosts) and per-IP limits through Flask-Limiter (on Redis when
RATELIMIT_STORAGE_URI names one, else in each worker's memory).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, make_response, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse
from werkzeug.exceptions import HTTPException

from points.errors import DomainError
from points.extensions import db, limiter
from points.people import attempts
from points.web.edge.errors import status_for

LOGIN_PER_IP = "10 per minute"


def rule(setting: str, default: str) -> attempts.Rule:
    """A rule from a setting like "5 per 15 minutes" (the lock lasts one window)."""
    item = parse(current_app.config.get(setting) or default)
    return attempts.Rule(limit=item.amount, window=item.get_expiry(), lock=item.get_expiry())


def login_rule() -> attempts.Rule:
    return rule("LOGIN_FAILS_PER_ACCOUNT", "5 per 15 minutes")


def _wrong_password(response) -> bool:
    return response.status_code == 401


# Wrong passwords per IP, the page and the API counted together (one scope).
login_per_ip = limiter.shared_limit(
    lambda: current_app.config.get("LOGIN_FAILS_PER_IP", LOGIN_PER_IP),
    scope="login",
    methods=["POST"],
    deduct_when=_wrong_password,
)


def _account_key(kind: str) -> str:
    if current_user.is_authenticated:
        return f"{kind}:user:{current_user.id}"
    return f"{kind}:ip:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code >= 400 and response.status_code != 429


def failures_per_account(
    kind: str, setting: str, default: str, methods: tuple[str, ...] | None = None
) -> Callable:
    """Count an account's failed answers of this kind in the database; at the limit, 429.

    A success never resets the count (a guesser mixing in good codes gains nothing)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            counted = methods is None or request.method in methods
            if not counted or not current_app.config["RATELIMIT_ENABLED"]:
                return view(*args, **kwargs)
            key = _account_key(kind)
            attempts.ensure_not_locked(db.session, key)
            try:
                response = make_response(view(*args, **kwargs))
            except (DomainError, HTTPException) as error:
                status = status_for(error) if isinstance(error, DomainError) else error.code
                if status and status >= 400 and status != 429:
                    _count(key)
                raise
            if _failed(response):
                _count(key)
            return response

        def _count(key: str) -> None:
            db.session.rollback()
            attempts.record_failure(db.session, key, rule(setting, default))

        return wrapper

    return decorate


# Typed or scanned voucher codes that match nothing, per staff account.
voucher_guesses = failures_per_account(
    "voucher", "VOUCHER_FAILS_PER_USER", "20 per 10 minutes", methods=("POST",)
)
