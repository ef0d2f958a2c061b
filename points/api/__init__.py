"""The JSON API under /api/v1 (flask-smorest): thin views over the domain modules."""

from __future__ import annotations

import re
from importlib import import_module

import marshmallow as ma
from flask import Flask, request
from flask_login import current_user
from flask_smorest import Api

from points.auth import bearer_request
from points.extensions import csrf
from points.web.edge import boundary  # noqa: F401  (its parser, before the blueprints are imported)
from points.web.edge.errors import handle_http_exception

# Each module here exposes `blp`; a feature adds its module to this list.
BLUEPRINT_MODULES = [
    "points.api.auth_tokens",
    "points.api.accounts",
    "points.api.places",
    "points.api.residents",
    "points.api.lockouts",
    "points.api.adjustments",
    "points.api.ledger_audit",
    "points.api.shop",
    "points.api.roster",
    "points.api.reports",
    "points.api.admin_records",
    "points.api.calendar",
    "points.api.events",
    "points.api.checkins",
    "points.api.leaderboard",
    "points.api.rules",
    "points.api.cases",
    "points.api.hazards",
    "points.api.households",
    "points.api.visits",
    "points.api.lists",
    "points.api.year_report",
]


class ErrorAnswer(ma.Schema):
    """The JSON error shape every API error has (SPEC), as served."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status"})
    status = ma.fields.String(required=True, metadata={"description": "Status name"})
    message = ma.fields.String(
        required=True, metadata={"description": "What went wrong, in the reader's language"}
    )
    errors = ma.fields.Dict(
        required=True,
        metadata={"description": "Per field messages; `reason` holds the reason code"},
    )
    reason = ma.fields.String(
        metadata={
            "description": "Stable reason code of a refusal; always the same as `errors.reason`"
        }
    )


class PointsApi(Api):
    """flask-smorest's Api with our content-negotiated, localized error answers."""

    ERROR_SCHEMA = ErrorAnswer

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
    _document_as_served(app, api)


def _document_as_served(app: Flask, api: PointsApi) -> None:
    """Make the OpenAPI document say what is served: operations anyone may call need no
    token (`security: []`), and a documented 4xx body may also be the error shape (a
    refusal with the same status)."""
    paths = api.spec._paths
    error = {"$ref": "#/components/schemas/ErrorAnswer"}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        view = app.view_functions.get(rule.endpoint)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            operation = paths.get(path, {}).get(method.lower())
            if operation is None:
                continue
            if not getattr(view, "needs_login", False):
                operation["security"] = []
            for status, answer in operation.get("responses", {}).items():
                if not (isinstance(answer, dict) and str(status).startswith("4")):
                    continue
                for content in answer.get("content", {}).values():
                    schema = content.get("schema")
                    if schema and schema != error and "oneOf" not in schema:
                        content["schema"] = {"oneOf": [schema, error]}
    whole = api.spec.to_dict
    api.spec.to_dict = lambda: _optional_bodies(whole())


def _optional_bodies(document: dict) -> dict:
    """A JSON body whose every field is optional may be left out (it reads as `{}`): say so."""
    schemas = document.get("components", {}).get("schemas", {})
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            for content in body.get("content", {}).values():
                name = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
                if name in schemas and not schemas[name].get("required"):
                    body["required"] = False
    return document
