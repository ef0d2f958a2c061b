"""Check-ins: a resident's own scan, staff's card or manual check-in, the card image."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from flask import Response, request
from flask_login import current_user
from flask_smorest import Blueprint

from points import checkin, policy
from points.api.common import IDEMPOTENCY_HEADER, PageArgs, idempotent
from points.auth import login_required, require
from points.checkin import CheckinResult, offline
from points.errors import InvalidInput
from points.extensions import db
from points.people.cards import card_holder, card_token
from points.qr import qr_svg
from points.web.edge.scanning import (
    failed_scans_per_ip,
    failed_scans_per_user,
    rotate_default,
    secret,
)

blp = Blueprint("api_checkins", __name__, description="Check-ins: one award per resident per event")


class SelfCheckinIn(ma.Schema):
    token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))
    event_id = ma.fields.Integer(
        strict=True, load_default=None, metadata={"description": "refuse a code of another event"}
    )


class StaffCheckinIn(ma.Schema):
    card_token = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=500))
    resident_id = ma.fields.Integer(strict=True, load_default=None)
    scanned_at = ma.fields.AwareDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "when a scan made offline was made; needs an Idempotency-Key"},
    )
    device_id = ma.fields.String(load_default="", validate=ma.validate.Length(max=64))

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
    rule_code = ma.fields.String(allow_none=True)
    rule_version = ma.fields.Integer(allow_none=True)
    capped_by = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "the cap that held the award back: {per, period, max_times?, "
            "max_points?, message}; a capped check-in is 201 with points 0"
        },
    )


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
@login_required
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
@require(policy.ensure_staff)
@blp.arguments(StaffCheckinIn)
@blp.response(201, CheckinOut)
@blp.alt_response(200, schema=CheckinOut, description="already checked in")
def staff_checkin(body, event_id):
    """Staff check a resident in by card (`card_token`) or by hand (`resident_id`).

    A scan made offline also sends `scanned_at` and `device_id` with an Idempotency-Key: it
    is judged at `scanned_at`, once, however often it is uploaded."""
    if body["scanned_at"] is not None:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if not key:
            raise InvalidInput("离线扫码上传需要 Idempotency-Key。")
        result = offline.check_in_offline(
            db.session,
            secret(),
            event_id=event_id,
            actor=current_user,
            key=key,
            scanned_at=body["scanned_at"].astimezone(UTC).replace(tzinfo=None),
            device_id=body["device_id"],
            card_token=body["card_token"],
            resident_id=body["resident_id"],
        )
    elif body["card_token"] is not None:
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
@require(policy.ensure_staff)
@blp.arguments(PageArgs, location="query")
@blp.response(200, CheckinLine(many=True))
def list_checkins(args, event_id):
    """Who checked in to the event, newest first (its staff only)."""
    return checkin.checkins_of(
        db.session,
        current_user,
        event_id,
        limit=args["per_page"],
        offset=(args["page"] - 1) * args["per_page"],
    )


@blp.route("/residents/<int:resident_id>/card.svg")
@login_required
@blp.response(200, content_type="image/svg+xml")
def resident_card(resident_id):
    """A resident's QR card: their own, or one of a person the reader may see."""
    person = card_holder(db.session, current_user, resident_id)
    return Response(
        qr_svg(card_token(secret(), person)),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )
