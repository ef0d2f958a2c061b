"""Check-ins: a resident's own scan, staff's card or manual check-in, the card image."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from points import checkin
from points.api.common import PageArgs, idempotent, require_role
from points.auth import STAFF, ensure_village
from points.checkin import CheckinResult, events
from points.errors import Forbidden, InvalidInput
from points.extensions import db
from points.models import Checkin, User
from points.people import get_person
from points.people.cards import card_token
from points.qr import qr_svg
from points.web.scanning import failed_scans_per_ip, failed_scans_per_user, rotate_default, secret

blp = Blueprint("api_checkins", __name__, description="Check-ins: one award per resident per event")


class SelfCheckinIn(ma.Schema):
    token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))
    event_id = ma.fields.Integer(
        strict=True, load_default=None, metadata={"description": "refuse a code of another event"}
    )


class StaffCheckinIn(ma.Schema):
    card_token = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=500))
    resident_id = ma.fields.Integer(strict=True, load_default=None)

    @ma.validates_schema
    def one_of(self, data, **_kwargs) -> None:
        if (data.get("card_token") is None) == (data.get("resident_id") is None):
            raise ma.ValidationError("请提供 card_token 或 resident_id 其中之一。")


class CheckinOut(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    event_title = ma.fields.String()
    resident_id = ma.fields.Integer()
    resident_name = ma.fields.String()
    points = ma.fields.Integer()
    balance = ma.fields.Integer()
    method = ma.fields.String()
    checked_in_at = ma.fields.Function(lambda r: r.checked_in_at.isoformat() + "Z")
    already = ma.fields.Boolean()


class CheckinLine(ma.Schema):
    id = ma.fields.Integer()
    resident_id = ma.fields.Integer()
    resident_name = ma.fields.String()
    method = ma.fields.String()
    actor_id = ma.fields.Integer(allow_none=True)
    points = ma.fields.Integer()
    created_at = ma.fields.Function(lambda r: r["created_at"].isoformat() + "Z")


def _answer(result: CheckinResult):
    """201 for a new award; 200 with already: true for a repeat."""
    return result, 200 if result.already else 201


@blp.route("/checkins", methods=["POST"])
@failed_scans_per_user
@failed_scans_per_ip
@idempotent
@require_role()
@blp.arguments(SelfCheckinIn)
@blp.response(201, CheckinOut)
@blp.alt_response(200, schema=CheckinOut, description="already checked in")
def self_checkin(body):
    """A resident checks in with the event's QR code: 201 awarded, 200 `already: true`."""
    result = checkin.check_in_with_code(
        db.session,
        secret(),
        token=body["token"],
        resident=current_user,
        rotate_default=rotate_default(),
        expected_event_id=body["event_id"],
    )
    return _answer(result)


@blp.route("/events/<int:event_id>/checkins", methods=["POST"])
@failed_scans_per_user
@failed_scans_per_ip
@idempotent
@require_role(*STAFF)
@blp.arguments(StaffCheckinIn)
@blp.response(201, CheckinOut)
@blp.alt_response(200, schema=CheckinOut, description="already checked in")
def staff_checkin(body, event_id):
    """Staff check a resident in by card (`card_token`) or by hand (`resident_id`)."""
    if body["card_token"] is not None:
        result = checkin.check_in_with_card(
            db.session,
            secret(),
            event_id=event_id,
            card_token=body["card_token"],
            actor=current_user,
        )
    else:
        result = checkin.check_in_manually(
            db.session, event_id=event_id, resident_id=body["resident_id"], actor=current_user
        )
    return _answer(result)


@blp.route("/events/<int:event_id>/checkins")
@require_role(*STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, CheckinLine(many=True))
def list_checkins(args, event_id):
    """Who checked in to the event, newest first (its staff only)."""
    event = events.get_event(db.session, event_id)
    events.ensure_can_run(current_user, event)
    rows = db.session.execute(
        select(Checkin, User.name)
        .join(User, User.id == Checkin.resident_id)
        .where(Checkin.event_id == event_id)
        .order_by(Checkin.id.desc())
        .limit(args["per_page"])
        .offset((args["page"] - 1) * args["per_page"])
    ).all()
    return [
        {
            "id": row.id,
            "resident_id": row.resident_id,
            "resident_name": name,
            "method": row.method,
            "actor_id": row.actor_id,
            "points": row.points,
            "created_at": row.created_at,
        }
        for row, name in rows
    ]


@blp.route("/residents/<int:resident_id>/card.svg")
@require_role()
@blp.response(200, content_type="image/svg+xml")
def resident_card(resident_id):
    """The resident's QR card (admins of the village, or the resident themself)."""
    person = get_person(db.session, resident_id)
    if person.id != current_user.id:
        if not current_user.is_admin:
            raise Forbidden()
        ensure_village(current_user, person.village_id)
    if person.village_id is None:
        raise InvalidInput("镇管理员没有积分卡。")
    return Response(
        qr_svg(card_token(secret(), person)),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )
