"""Who is asking: Flask-Login sessions and bearer tokens, and the doors views put in front.

What each person may do is the policy's (points/policy.py); this module only finds the
person and hands them to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import Flask, current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update

from points.extensions import db, login_manager
from points.models import User

TOKEN_SALT = "api-token"


# --- tokens -----------------------------------------------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(user: User) -> tuple[str, datetime]:
    """Return a bearer token for the user and when it expires (UTC)."""
    token = _serializer().dumps({"u": user.id, "v": user.token_version})
    expires = datetime.now(UTC) + timedelta(seconds=current_app.config["TOKEN_MAX_AGE"])
    return token, expires


def user_for_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.token_version != data.get("v") or not user.active:
        return None
    return user


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The session's or remember-me cookie's user, if that login has not ended since.

    The id is `<user>:<token version>:<session version>`: suspending raises the first,
    logging out the second, and either ends every page session of the user.
    """
    parts = user_id.split(":")
    if len(parts) != 3 or not all(part.isdigit() and len(part) < 10 for part in parts):
        return None
    user = db.session.get(User, int(parts[0]))
    if user is None or not user.active or user.get_id() != user_id:
        return None
    return user


def end_sessions(user: User) -> None:
    """End every page session and remember-me cookie of the user (logging out)."""
    from points.db import write_transaction

    user_id = user.id
    with write_transaction(db.session):
        db.session.execute(
            update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
        )


@login_manager.request_loader
def _load_user_from_bearer(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for_token(header[7:].strip())
    return None


def bearer_request() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


# --- doors ------------------------------------------------------------------------------
def login_required(view: Callable) -> Callable:
    """Let only logged-in users in (pages: to the login page; the API: 401)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapper.needs_login = True
    return wrapper


def require(gate: Callable[[User], None]) -> Callable:
    """Let in logged-in users the policy's `gate` admits (e.g. policy.ensure_admin)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            gate(current_user)
            return view(*args, **kwargs)

        wrapper.needs_login = True
        return wrapper

    return decorate


@login_manager.unauthorized_handler
def _unauthorized():
    from flask import redirect, url_for
    from flask_smorest import abort

    from points.i18n import translate

    if request.path.startswith("/api/"):
        abort(401, message=translate("请先登录。"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _forget_last_request_user() -> None:
    # Flask reuses an app context that is already pushed (tests hold one), and Flask-Login
    # caches the user in `g`: without this, a request would see the previous one's user.
    g.pop("_login_user", None)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    app.before_request(_forget_last_request_user)
