"""Who is asking: sessions and bearer tokens, roles, and the one village-scoping helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import Flask, current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from points.errors import Forbidden, OutsideVillage
from points.extensions import db, login_manager
from points.models import Role, User

TOKEN_SALT = "api-token"
ADMINS = (Role.VILLAGE_ADMIN, Role.TOWN_ADMIN)
STAFF = (Role.STAFF, Role.VILLAGE_ADMIN, Role.TOWN_ADMIN)


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
    uid, _, version = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or str(user.token_version) != version or not user.active:
        return None
    return user


@login_manager.request_loader
def _load_user_from_bearer(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for_token(header[7:].strip())
    return None


def bearer_request() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


# --- roles ------------------------------------------------------------------------------
def require_role(*roles: str) -> Callable:
    """Let only logged-in users with one of `roles` in (no roles: any logged-in user)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorate


# --- village scope ----------------------------------------------------------------------
def sees_all_villages(user: User) -> bool:
    return user.role == Role.TOWN_ADMIN


def ensure_village(user: User, village_id: int | None) -> None:
    """Refuse (403) anything outside the user's village; town admins see every village.

    Town-wide things (village_id None) are visible to all but changeable by town admins only
    where the caller says so.
    """
    if sees_all_villages(user):
        return
    if village_id != user.village_id:
        raise OutsideVillage()


def scoped(query: Select, column: InstrumentedAttribute, user: User) -> Select:
    """Limit a query to the user's village (town admins: unchanged)."""
    if sees_all_villages(user):
        return query
    return query.where(column == user.village_id)


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
