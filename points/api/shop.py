"""The points supermarket's API: /rewards, /redemptions, /stock-movements, /me/notices."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app, request, url_for
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.api.common import UtcDateTime, idempotent
from points.auth import login_required, require
from points.errors import N_, DomainError, InvalidInput, NotFound
from points.extensions import db
from points.models.shop import REDEMPTION_STATUSES
from points.people import notices
from points.qr import qr_svg
from points.shop import catalogue, redemption
from points.web.edge.guards import voucher_guesses

blp = Blueprint("api_shop", __name__, description="The points supermarket (积分超市)")


class VoucherMismatch(DomainError):
    code = "voucher_mismatch"
    template = N_("兑换码与这张兑换单不符。")


# --- schemas -------------------------------------------------------------------------------
class RewardOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    description = ma.fields.String()
    points_cost = ma.fields.Integer()
    stock = ma.fields.Integer(allow_none=True, metadata={"description": "null = unlimited"})
    monthly_limit = ma.fields.Integer(allow_none=True)
    town_id = ma.fields.Integer()
    village_id = ma.fields.Integer(allow_none=True, metadata={"description": "null = town-wide"})
    active = ma.fields.Boolean()
    sort_order = ma.fields.Integer()
    image_url = ma.fields.Function(
        lambda r: url_for("shop.image", name=r.image_path) if r.image_path else None
    )


class RewardIn(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=1000))
    points_cost = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=catalogue.MAX_COST)
    )
    stock = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=ma.validate.Range(min=0, max=catalogue.MAX_STOCK),
    )
    monthly_limit = ma.fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=ma.validate.Range(min=1, max=1000)
    )
    village_id = ma.fields.Integer(
        allow_none=True, strict=True, metadata={"description": "omit: your village"}
    )
    town_id = ma.fields.Integer(
        allow_none=True,
        strict=True,
        metadata={"description": "a town-wide reward's town (omit: yours)"},
    )
    active = ma.fields.Boolean(load_default=True)
    sort_order = ma.fields.Integer(load_default=0, strict=True)


class RewardPatch(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=80))
    description = ma.fields.String(validate=ma.validate.Length(max=1000))
    points_cost = ma.fields.Integer(
        strict=True, validate=ma.validate.Range(min=1, max=catalogue.MAX_COST)
    )
    monthly_limit = ma.fields.Integer(
        allow_none=True, strict=True, validate=ma.validate.Range(min=1, max=1000)
    )
    active = ma.fields.Boolean()
    sort_order = ma.fields.Integer(strict=True)


class RewardQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)
    town_id = ma.fields.Integer(load_default=None)
    include_inactive = ma.fields.Boolean(load_default=False)


class RestockIn(ma.Schema):
    quantity = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ma.validate.Range(min=-catalogue.MAX_STOCK, max=catalogue.MAX_STOCK),
        metadata={"description": "> 0 restock, < 0 correction"},
    )
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class MovementOut(ma.Schema):
    id = ma.fields.Integer()
    reward_id = ma.fields.Integer()
    kind = ma.fields.String()
    quantity = ma.fields.Integer()
    redemption_id = ma.fields.Integer(allow_none=True)
    actor_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String()
    created_at = UtcDateTime()


class MovementQuery(ma.Schema):
    reward_id = ma.fields.Integer(load_default=None)


class RedemptionIn(ma.Schema):
    reward_id = ma.fields.Integer(required=True, strict=True)
    quantity = ma.fields.Integer(
        load_default=1,
        strict=True,
        validate=ma.validate.Range(min=1, max=redemption.MAX_QUANTITY),
    )


class RedemptionOut(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String()
    reward_id = ma.fields.Integer()
    reward_name = ma.fields.Function(lambda r: r.reward.name)
    resident_id = ma.fields.Integer()
    village_id = ma.fields.Integer()
    quantity = ma.fields.Integer()
    points = ma.fields.Integer()
    voucher_code = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    decided_by = ma.fields.Integer(allow_none=True)
    fulfilled_at = UtcDateTime(allow_none=True)
    fulfilled_by = ma.fields.Integer(allow_none=True)
    cancelled_at = UtcDateTime(allow_none=True)


class RedemptionQuery(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(REDEMPTION_STATUSES))
    date_from = ma.fields.Date(load_default=None, data_key="from")
    date_to = ma.fields.Date(load_default=None, data_key="to")
    village_id = ma.fields.Integer(load_default=None)
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0))


class RejectIn(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class FulfilIn(ma.Schema):
    voucher_code = ma.fields.String(
        load_default=None, validate=ma.validate.Length(max=20), metadata={"description": "check"}
    )


class VoucherIn(ma.Schema):
    voucher_code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))


class BulkIn(ma.Schema):
    ids = ma.fields.List(
        ma.fields.Integer(strict=True), required=True, validate=ma.validate.Length(min=1, max=200)
    )


class OutcomeOut(ma.Schema):
    redemption_id = ma.fields.Integer()
    ok = ma.fields.Boolean()
    status = ma.fields.String(allow_none=True)
    voucher_code = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    message = ma.fields.String(allow_none=True)


class BulkOut(ma.Schema):
    approved = ma.fields.Integer()
    failed = ma.fields.Integer()
    results = ma.fields.List(ma.fields.Nested(OutcomeOut))


class NoticeOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    message = ma.fields.String()
    created_at = UtcDateTime()
    read_at = UtcDateTime(allow_none=True)


class NoticesOut(ma.Schema):
    unread = ma.fields.Integer()
    notices = ma.fields.List(ma.fields.Nested(NoticeOut))


class ReadIn(ma.Schema):
    ids = ma.fields.List(ma.fields.Integer(strict=True), load_default=None)


class ReadOut(ma.Schema):
    marked = ma.fields.Integer()


# --- rewards -------------------------------------------------------------------------------
@blp.route("/rewards")
@blp.arguments(RewardQuery, location="query")
@blp.response(200, RewardOut(many=True))
def list_rewards(args):
    """The catalogue: a resident sees their village's and town-wide rewards; anyone, a
    village's (?village_id=), a town's (?town_id=) or all; admins may add the rewards they
    took off the shelf (?include_inactive=true)."""
    viewer = current_user if current_user.is_authenticated else None
    return catalogue.listing(
        db.session,
        viewer,
        village_id=args["village_id"],
        town_id=args["town_id"],
        include_inactive=bool(args["include_inactive"]),
    )


@blp.route("/rewards", methods=["POST"])
@idempotent
@require(policy.ensure_admin)
@blp.arguments(RewardIn)
@blp.response(201, RewardOut)
def create_reward(body):
    """Add a reward (village admins: their village; town admins: any of their town, or
    town-wide; city admins name the town of a town-wide one)."""
    village_id = body.get("village_id", current_user.village_id)
    fields = catalogue.RewardFields(**{**body, "village_id": village_id})
    return catalogue.create_reward(db.session, actor=current_user, fields=fields)


@blp.route("/rewards/<int:reward_id>")
@blp.response(200, RewardOut)
def show_reward(reward_id):
    """One reward (one off the shelf only to the admins who manage it)."""
    viewer = current_user if current_user.is_authenticated else None
    return catalogue.get_reward_for(db.session, viewer, reward_id)


@blp.route("/rewards/<int:reward_id>", methods=["PATCH"])
@require(policy.ensure_admin)
@blp.arguments(RewardPatch)
@blp.response(200, RewardOut)
def change_reward(body, reward_id):
    """Change a reward's name, cost, limit, order or active flag."""
    reward = catalogue.get_reward(db.session, reward_id)
    current = {
        key: getattr(reward, key)
        for key in ("name", "description", "points_cost", "monthly_limit", "active", "sort_order")
    }
    fields = catalogue.RewardFields(
        **{**current, **body}, village_id=reward.village_id, town_id=reward.town_id
    )
    return catalogue.update_reward(
        db.session, actor=current_user, reward_id=reward_id, fields=fields
    )


@blp.route("/rewards/<int:reward_id>/restock", methods=["POST"])
@idempotent
@require(policy.ensure_admin)
@blp.arguments(RestockIn)
@blp.response(200, RewardOut)
def restock_reward(body, reward_id):
    """Put goods on the shelf (quantity > 0) or correct the count (< 0)."""
    return catalogue.restock(
        db.session,
        actor=current_user,
        reward_id=reward_id,
        quantity=body["quantity"],
        note=body["note"],
    )


@blp.route("/rewards/<int:reward_id>/image", methods=["POST"])
@require(policy.ensure_admin)
@blp.response(200, RewardOut)
def upload_image(reward_id):
    """Upload a reward's picture: multipart `file`, JPEG/PNG/WebP, checked by its content."""
    reward = catalogue.get_reward(db.session, reward_id)
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("请上传图片文件（字段名 file）。")
    name = catalogue.store_image(
        current_app.instance_path,
        upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1),
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
    )
    fields = catalogue.RewardFields(
        **{
            key: getattr(reward, key)
            for key in ("name", "description", "points_cost", "monthly_limit", "active")
        },
        sort_order=reward.sort_order,
        village_id=reward.village_id,
        town_id=reward.town_id,
    )
    return catalogue.update_reward(
        db.session, actor=current_user, reward_id=reward_id, fields=fields, image_path=name
    )


@blp.route("/stock-movements")
@require(policy.ensure_admin)
@blp.arguments(MovementQuery, location="query")
@blp.response(200, MovementOut(many=True))
def list_movements(args):
    """Stock in and out (restock, reserve, release, hand-over), newest first."""
    return catalogue.movements(db.session, actor=current_user, reward_id=args["reward_id"])


# --- redemptions ---------------------------------------------------------------------------
@blp.route("/redemptions", methods=["POST"])
@idempotent
@login_required
@blp.arguments(RedemptionIn)
@blp.response(201, RedemptionOut)
def create_redemption(body):
    """Ask for a reward × quantity: the points are held until an admin decides."""
    return redemption.request(
        db.session, resident=current_user, reward_id=body["reward_id"], quantity=body["quantity"]
    )


@blp.route("/redemptions")
@login_required
@blp.arguments(RedemptionQuery, location="query")
@blp.response(200, RedemptionOut(many=True))
def list_redemptions(args):
    """Admins: their scope's (pending first); everyone else: their own."""
    return redemption.listing(
        db.session,
        current_user,
        status=args["status"],
        date_from=args["date_from"],
        date_to=args["date_to"],
        village_id=args["village_id"],
        limit=args["limit"],
        offset=args["offset"],
    )


@blp.route("/redemptions/<int:redemption_id>")
@login_required
@blp.response(200, RedemptionOut)
def show_redemption(redemption_id):
    """One redemption (its resident, or an admin of its village)."""
    return redemption.get_for(db.session, current_user, redemption_id)


@blp.route("/redemptions/<int:redemption_id>/voucher.svg")
@login_required
def voucher_svg(redemption_id):
    """The voucher's QR code (it encodes the voucher code)."""
    found = redemption.get_for(db.session, current_user, redemption_id)
    if not found.voucher_code or found.status != "approved":
        raise NotFound(what="兑换码")
    return Response(qr_svg(found.voucher_code), mimetype="image/svg+xml")


@blp.route("/redemptions/<int:redemption_id>/approve", methods=["POST"])
@require(policy.ensure_admin)
@blp.response(200, RedemptionOut)
def approve_redemption(redemption_id):
    """Approve a pending request: the held points are spent and a voucher is issued."""
    return redemption.approve(db.session, actor=current_user, redemption_id=redemption_id)


@blp.route("/redemptions/<int:redemption_id>/reject", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(RejectIn)
@blp.response(200, RedemptionOut)
def reject_redemption(body, redemption_id):
    """Reject a pending request with a reason: the points and stock go back."""
    return redemption.reject(
        db.session, actor=current_user, redemption_id=redemption_id, reason=body["reason"]
    )


@blp.route("/redemptions/<int:redemption_id>/cancel", methods=["POST"])
@login_required
@blp.response(200, RedemptionOut)
def cancel_redemption(redemption_id):
    """Withdraw my own pending request."""
    return redemption.cancel(db.session, resident=current_user, redemption_id=redemption_id)


@blp.route("/redemptions/<int:redemption_id>/fulfil", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(FulfilIn)
@blp.response(200, RedemptionOut)
def fulfil_redemption(body, redemption_id):
    """Record the hand-over of an approved redemption (optionally checking its voucher)."""
    if body.get("voucher_code") is not None:
        found = redemption.get_for(db.session, current_user, redemption_id)
        if redemption.normalise_voucher(body["voucher_code"]) != found.voucher_code:
            raise VoucherMismatch()
    return redemption.fulfil(db.session, actor=current_user, redemption_id=redemption_id)


@blp.route("/vouchers/fulfil", methods=["POST"])
@require(policy.ensure_admin)
@voucher_guesses
@blp.arguments(VoucherIn)
@blp.response(200, RedemptionOut)
def fulfil_by_voucher(body):
    """Hand over the goods for a scanned or typed voucher code (O→0, I/L→1 accepted)."""
    return redemption.fulfil_voucher(db.session, actor=current_user, code=body["voucher_code"])


@blp.route("/redemptions/bulk-approve", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(BulkIn)
@blp.response(200, BulkOut)
def bulk_approve(body):
    """Approve many: each in its own transaction, every item reported."""
    results = redemption.approve_many(db.session, actor=current_user, redemption_ids=body["ids"])
    ok = sum(1 for item in results if item.ok)
    return {"approved": ok, "failed": len(results) - ok, "results": results}


# --- notices -------------------------------------------------------------------------------
@blp.route("/me/notices")
@login_required
@blp.response(200, NoticesOut)
def my_notices():
    """My in-app notices (unread first) and how many are unread."""
    return {
        "unread": notices.unread_count(db.session, current_user.id),
        "notices": notices.recent(db.session, current_user.id, limit=50),
    }


@blp.route("/me/notices/read", methods=["POST"])
@login_required
@blp.arguments(ReadIn)
@blp.response(200, ReadOut)
def read_notices(body):
    """Mark my notices read (all, or the given ids)."""
    return {"marked": notices.mark_read(db.session, current_user.id, body.get("ids"))}
