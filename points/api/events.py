"""Events and their QR codes: /events, /events/{id}/qr(.svg), /categories."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.api.common import PageArgs
from points.auth import require
from points.checkin import events
from points.checkin.events import EventForm
from points.extensions import db
from points.models import EventCategory
from points.qr import qr_svg
from points.web.edge.scanning import shown_code

blp = Blueprint("api_events", __name__, description="Events and their check-in QR codes")


def utc_naive(value: datetime) -> datetime:
    """Store times as naive UTC; a time without a zone is taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


class EventIn(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    category = ma.fields.String(
        metadata={"description": "category code (patrol, …) or its name (治安巡防)"},
        load_default=None,
    )
    category_id = ma.fields.Integer(strict=True, load_default=None)
    rule_code = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=32),
        metadata={
            "description": "the rule book item its awards go under (default: the category's "
            "code); points must lie within the rule"
        },
    )
    village_id = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    town_id = ma.fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        metadata={"description": "a town-wide event's town (default: mine)"},
    )
    starts_at = ma.fields.AwareDateTime(required=True, default_timezone=UTC)
    ends_at = ma.fields.AwareDateTime(required=True, default_timezone=UTC)
    checkin_opens_at = ma.fields.AwareDateTime(load_default=None, default_timezone=UTC)
    checkin_closes_at = ma.fields.AwareDateTime(load_default=None, default_timezone=UTC)
    points = ma.fields.Integer(strict=True, load_default=None)
    capacity = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    qr_mode = ma.fields.String(
        load_default="rotating", validate=ma.validate.OneOf(["rotating", "static"])
    )
    status = ma.fields.String(
        load_default="published", validate=ma.validate.OneOf(["draft", "published"])
    )
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    location = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))


def _utc(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value else None


class EventOut(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    category = ma.fields.Function(lambda e: e.category.code)
    category_name = ma.fields.Function(lambda e: e.category.name_zh)
    rule_code = ma.fields.Function(lambda e: e.rule.code if e.rule is not None else None)
    town_id = ma.fields.Integer()
    village_id = ma.fields.Integer(allow_none=True)
    starts_at = ma.fields.Function(lambda e: _utc(e.starts_at))
    ends_at = ma.fields.Function(lambda e: _utc(e.ends_at))
    checkin_opens_at = ma.fields.Function(lambda e: _utc(e.checkin_opens_at))
    checkin_closes_at = ma.fields.Function(lambda e: _utc(e.checkin_closes_at))
    points = ma.fields.Integer()
    capacity = ma.fields.Integer(allow_none=True)
    qr_mode = ma.fields.String()
    status = ma.fields.String()
    checkin_count = ma.fields.Integer()
    description = ma.fields.String()
    location = ma.fields.String()


class EventQuery(PageArgs):
    status = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(["draft", "published", "closed", "cancelled"]),
    )
    upcoming = ma.fields.Boolean(load_default=False)


class QrQuery(ma.Schema):
    mode = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["rotating", "static"]))


class RecentOut(ma.Schema):
    name = ma.fields.String()
    at = ma.fields.String()


class QrOut(ma.Schema):
    url = ma.fields.String()
    token = ma.fields.String()
    expires_in = ma.fields.Integer()
    rotate_seconds = ma.fields.Integer()
    mode = ma.fields.String()
    svg = ma.fields.String(metadata={"description": "the same code as inline SVG"})
    checkin_count = ma.fields.Integer()
    capacity = ma.fields.Integer(allow_none=True)
    status = ma.fields.String()
    recent = ma.fields.List(ma.fields.Nested(RecentOut), metadata={"description": "masked"})


class CategoryOut(ma.Schema):
    id = ma.fields.Integer()
    town_id = ma.fields.Integer(allow_none=True)
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    default_points = ma.fields.Integer()


class CategoryIn(ma.Schema):
    default_points = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=events.MAX_POINTS)
    )


def form_from(body: dict) -> EventForm:
    """Turn the API body into the domain's form (category by id, code or name)."""
    return EventForm(
        title=body["title"],
        category_id=body.get("category_id"),
        category=body.get("category"),
        rule_code=body.get("rule_code"),
        town_id=body.get("town_id"),
        village_id=body.get("village_id"),
        starts_at=utc_naive(body["starts_at"]),
        ends_at=utc_naive(body["ends_at"]),
        checkin_opens_at=utc_naive(body["checkin_opens_at"])
        if body.get("checkin_opens_at")
        else None,
        checkin_closes_at=utc_naive(body["checkin_closes_at"])
        if body.get("checkin_closes_at")
        else None,
        points=body.get("points"),
        capacity=body.get("capacity"),
        qr_mode=body["qr_mode"],
        status=body["status"],
        description=body.get("description", ""),
        location=body.get("location", ""),
    )


@blp.route("/events")
@blp.arguments(EventQuery, location="query")
@blp.response(200, EventOut(many=True))
def list_events(args):
    """Published events (public); staff and admins also see their village's drafts."""
    viewer = current_user if current_user.is_authenticated else None
    return events.list_events(
        db.session,
        viewer=viewer,
        status=args["status"],
        upcoming=args["upcoming"],
        limit=args["per_page"],
        offset=(args["page"] - 1) * args["per_page"],
    )


@blp.route("/events", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(EventIn)
@blp.response(201, EventOut)
def create_event(body):
    """Create an event in my village (town admins: any village of their town, or town-wide
    with null; city admins name the town of a town-wide one)."""
    if body.get("village_id") is None:
        body["village_id"] = current_user.village_id
    return events.create_event(db.session, current_user, form_from(body))


@blp.route("/events/<int:event_id>")
@blp.response(200, EventOut)
def show_event(event_id):
    """One event (drafts only for its staff)."""
    viewer = current_user if current_user.is_authenticated else None
    return events.event_for(db.session, viewer, event_id)


@blp.route("/events/<int:event_id>", methods=["PUT"])
@require(policy.ensure_admin)
@blp.arguments(EventIn)
@blp.response(200, EventOut)
def edit_event(body, event_id):
    """Edit a draft or published event."""
    event = events.get_event(db.session, event_id)
    if "village_id" not in body:
        body["village_id"] = event.village_id
    return events.update_event(db.session, current_user, event_id, form_from(body))


def _status_route(action: str):
    def view(event_id):
        return events.change_status(db.session, current_user, event_id, action)

    view.__name__ = f"{action}_event"
    view.__doc__ = f"{action.capitalize()} the event."
    return view


for _action in ("publish", "close", "cancel"):
    blp.route(f"/events/<int:event_id>/{_action}", methods=["POST"])(
        require(policy.ensure_admin)(blp.response(200, EventOut)(_status_route(_action)))
    )


@blp.route("/events/<int:event_id>/regenerate-key", methods=["POST"])
@require(policy.ensure_staff)
@blp.response(200, EventOut)
def regenerate_key(event_id):
    """Revoke every QR code the event issued so far."""
    return events.regenerate_key(db.session, current_user, event_id)


@blp.route("/events/<int:event_id>/qr")
@require(policy.ensure_staff)
@blp.arguments(QrQuery, location="query")
@blp.response(200, QrOut)
def event_qr(args, event_id):
    """The code to show now: {url, token, expires_in} (+ inline SVG, live count)."""
    event = events.event_run_by(db.session, current_user, event_id)
    return shown_code(event, args["mode"])


@blp.route("/events/<int:event_id>/qr.svg")
@require(policy.ensure_staff)
@blp.arguments(QrQuery, location="query")
@blp.response(200, content_type="image/svg+xml")
def event_qr_svg(args, event_id):
    """The current QR image."""
    event = events.event_run_by(db.session, current_user, event_id)
    shown = shown_code(event, args["mode"])
    return Response(
        qr_svg(shown["url"]),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )


class CategoryQuery(ma.Schema):
    town_id = ma.fields.Integer(load_default=None)


@blp.route("/categories")
@blp.arguments(CategoryQuery, location="query")
@blp.response(200, CategoryOut(many=True))
def list_categories(args):
    """The event categories with their default points (every town's, and ?town_id='s own)."""
    town_id = args["town_id"]
    if town_id is None and current_user.is_authenticated:
        town_id = current_user.town_id
    return events.categories(db.session, town_id=town_id)


@blp.route("/categories/<int:category_id>", methods=["PATCH"])
@require(policy.ensure_town_admin_or_up)
@blp.arguments(CategoryIn)
@blp.response(200, CategoryOut)
def edit_category(body, category_id):
    """A town's admins change a category's default points (every town's: the city admin)."""
    events.update_category_points(db.session, current_user, category_id, body["default_points"])
    return db.session.get(EventCategory, category_id)
