"""GET /audit, GET and PUT /settings: the audit log and the scheme's settings (admins)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.admin import audit as audit_log
from points.api.common import PageArgs, UtcDateTime
from points.auth import require
from points.extensions import db
from points.places import chosen_place, settings

blp = Blueprint("api_admin_records", __name__, description="Audit log and settings")


class AuditQuery(PageArgs):
    village_id = ma.fields.Integer(load_default=None)
    actor_id = ma.fields.Integer(load_default=None)
    action = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))
    from_ = ma.fields.Date(data_key="from", load_default=None)
    to = ma.fields.Date(load_default=None)


class AuditOut(ma.Schema):
    id = ma.fields.Integer()
    created_at = UtcDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_name = ma.fields.String(allow_none=True)
    village_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String()
    target_id = ma.fields.String()
    before = ma.fields.Raw(allow_none=True)
    after = ma.fields.Raw(allow_none=True)


class SettingsQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)
    town_id = ma.fields.Integer(load_default=None)


class Rule(ma.Schema):
    label = ma.fields.String(required=True)
    amount = ma.fields.Integer(required=True, strict=True)


class SettingsSchema(ma.Schema):
    checkin_rotate_seconds = ma.fields.Integer(strict=True, allow_none=True)
    checkin_opens_before_minutes = ma.fields.Integer(strict=True, allow_none=True)
    checkin_closes_after_minutes = ma.fields.Integer(strict=True, allow_none=True)
    level_thresholds = ma.fields.List(ma.fields.Integer(strict=True), allow_none=True)
    deduction_rules = ma.fields.List(ma.fields.Nested(Rule), allow_none=True)
    monthly_redemption_limit = ma.fields.Integer(strict=True, allow_none=True)
    scheme_name = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=40))
    refuse_awards_over_budget = ma.fields.Boolean(allow_none=True)
    expiry = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": '{"mode": "none"} | {"mode": "year_end", "date": "03-31"} | '
            '{"mode": "rolling", "months": 12}'
        },
    )
    household_base_points = ma.fields.Integer(strict=True, allow_none=True)
    posting_days = ma.fields.Integer(strict=True, allow_none=True)
    black_list_enabled = ma.fields.Boolean(allow_none=True)


@blp.route("/audit")
@require(policy.ensure_admin)
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditOut(many=True))
def list_audit(args):
    """Audit entries, newest first (village admins: their village's)."""
    found = audit_log.search(
        db.session,
        current_user,
        audit_log.AuditFilter(
            village_id=args["village_id"],
            actor_id=args["actor_id"],
            action=args["action"],
            start=args["from_"],
            end=args["to"],
        ),
        limit=args["per_page"],
        offset=(args["page"] - 1) * args["per_page"],
    )
    rows = []
    for entry, actor_name in found.rows:
        entry.actor_name = actor_name  # a plain attribute for the schema, not a column
        rows.append(entry)
    return rows


@blp.route("/settings")
@require(policy.ensure_admin)
@blp.arguments(SettingsQuery, location="query")
@blp.response(200, SettingsSchema)
def show_settings(args):
    """Settings as they apply to a village or a town (neither: the reader's own place)."""
    place = chosen_place(
        db.session, current_user, village_id=args["village_id"], town_id=args["town_id"]
    )
    return settings.readable(db.session, current_user, place)


@blp.route("/settings", methods=["PUT"])
@require(policy.ensure_admin)
@blp.arguments(SettingsQuery, location="query")
@blp.arguments(SettingsSchema)
@blp.response(200, SettingsSchema)
def change_settings(args, body):
    """Change a village's settings (its admins), a town's (town admins and up) or, with
    neither named, those of the reader's own place (the city's: the city admin)."""
    place = chosen_place(
        db.session, current_user, village_id=args["village_id"], town_id=args["town_id"]
    )
    return settings.update(db.session, current_user, place, body)
