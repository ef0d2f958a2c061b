"""The JSON API under /api/v1 (flask-smorest): thin views over the domain modules."""

from __future__ import annotations

from importlib import import_module

from flask import Flask, request
from flask_login import current_user
from flask_smorest import Api

from points.auth import bearer_request
from points.edge import handle_http_exception
from points.extensions import csrf

# Each module here exposes `blp`; a feature adds its module to this list.
BLUEPRINT_MODULES = [
    "points.api.auth_tokens",
    "points.api.accounts",
    "points.api.places",
    "points.api.residents",
    "points.api.adjustments",
    "points.api.ledger_audit",
    "points.api.shop",
    "points.api.roster",
    "points.api.reports",
    "points.api.admin_records",
    "points.api.events",
    "points.api.checkins",
    "points.api.leaderboard",
    "points.api.rules",
    "points.api.households",
]


class PointsApi(Api):
    """flask-smorest's Api with our content-negotiated, localized error answers."""

    def handle_http_exception(self, error):
        return handle_http_exception(error)


def _csrf_for_cookie_sessions() -> None:
    """Bearer-token callers need no CSRF token; browser sessions do (X-CSRFToken header)."""
    if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if bearer_request():
        return
    if current_user.is_authenticated:
        csrf.protect()


def init_app(app: Flask) -> None:
    api = PointsApi(app)
    for name in BLUEPRINT_MODULES:
        blueprint = import_module(name).blp
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.before_request(_csrf_for_cookie_sessions)
    app.extensions["points_api"] = api
