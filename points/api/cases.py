"""Claims (申报) and public notice (公示): /claims, /publicity, /objections."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, request
from flask_login import current_user
from flask_smorest import Blueprint, abort

from points import policy
from points.api.common import idempotent
from points.auth import login_required
from points.cases import claims, photos, publicity
from points.extensions import db

blp = Blueprint("api_cases", __name__, description="Claims and public notice (申报 · 公示)")


class ClaimIn(ma.Schema):
    rule_code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(load_default="")
    units = ma.fields.Integer(load_default=None, allow_none=True)


class ApproveIn(ma.Schema):
    tier = ma.fields.String(load_default=None, allow_none=True)


class ReasonIn(ma.Schema):
    reason = ma.fields.String(required=True)


class DecisionIn(ma.Schema):
    reason = ma.fields.String(load_default="")


class PublicityQuery(ma.Schema):
    village_id = ma.fields.Integer(required=True)


class PostingOut(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String()
    rule = ma.fields.String()
    points = ma.fields.Integer()
    end_date = ma.fields.Date()
    ends_at = ma.fields.DateTime()
    objections = ma.fields.Integer()


class ObjectionOut(ma.Schema):
    id = ma.fields.Integer()
    posting_id = ma.fields.Integer()
    status = ma.fields.String()
    reason = ma.fields.String()
    decision = ma.fields.String()


def _claim_body() -> dict:
    """JSON, or a multipart form with an optional `photo` file."""
    if request.mimetype == "multipart/form-data":
        body = ClaimIn().load(request.form.to_dict())
        upload = request.files.get("photo")
        if upload is not None and upload.filename:
            body["photo"] = photos.store_photo(
                current_app.instance_path, upload.read(photos.MAX_BYTES + 1)
            )
        return body
    return ClaimIn().load(request.get_json(silent=True) or {})


@blp.route("/claims", methods=["POST"])
@idempotent
@login_required
@blp.response(201)
def create_claim():
    """Claim a rule item done without a QR code (JSON, or multipart with a `photo`)."""
    try:
        body = _claim_body()
    except ma.ValidationError as error:
        abort(422, errors=error.messages)
    case = claims.submit(db.session, claimant=current_user, **body)
    return claims.view(case)


@blp.route("/claims")
@login_required
@blp.response(200)
def list_claims():
    """Staff and admins: the claims waiting in their reach; residents: their own."""
    found = (
        claims.queue(db.session, current_user)
        if current_user.role != "resident"
        else claims.mine(db.session, current_user)
    )
    return [claims.view(case) for case in found]


@blp.route("/claims/<int:case_id>")
@login_required
@blp.response(200)
def show_claim(case_id):
    return claims.view(claims.get_for(db.session, current_user, case_id))


@blp.route("/claims/<int:case_id>/approve", methods=["POST"])
@login_required
@blp.arguments(ApproveIn)
@blp.response(200)
def approve_claim(body, case_id):
    """Approve: the award is held under the rule and put on public notice."""
    return claims.approve(
        db.session, actor=current_user, case_id=case_id, tier=body["tier"]
    ).answer()


@blp.route("/claims/<int:case_id>/reject", methods=["POST"])
@login_required
@blp.arguments(ReasonIn)
@blp.response(200)
def reject_claim(body, case_id):
    return claims.reject(
        db.session, actor=current_user, case_id=case_id, reason=body["reason"]
    ).answer()


@blp.route("/publicity")
@blp.arguments(PublicityQuery, location="query")
@blp.response(200, PostingOut(many=True))
def list_publicity(args):
    """The village's public notice (公示): masked names, the rule, the points, the end."""
    return publicity.public_listing(db.session, args["village_id"])


@blp.route("/publicity/<int:posting_id>/objections", methods=["POST"])
@login_required
@blp.arguments(ReasonIn)
@blp.response(201, ObjectionOut)
def object_to_posting(body, posting_id):
    """A resident of the village objects, once, with a reason."""
    return publicity.object_to(
        db.session, actor=current_user, posting_id=posting_id, reason=body["reason"]
    )


@blp.route("/objections")
@login_required
@blp.response(200)
def list_objections():
    """Objections waiting for a decision in the admin's reach."""
    policy.ensure_admin(current_user)
    found = publicity.open_objections(db.session, current_user)
    return [{**row, "end_date": row["end_date"].isoformat()} for row in found]


@blp.route("/objections/<int:objection_id>/uphold", methods=["POST"])
@login_required
@blp.arguments(DecisionIn)
@blp.response(200, ObjectionOut)
def uphold_objection(body, objection_id):
    """The objection stands: the held points are voided and the claimant told why."""
    return publicity.uphold(
        db.session, actor=current_user, objection_id=objection_id, reason=body["reason"]
    )


@blp.route("/objections/<int:objection_id>/dismiss", methods=["POST"])
@login_required
@blp.arguments(DecisionIn)
@blp.response(200, ObjectionOut)
def dismiss_objection(body, objection_id):
    return publicity.dismiss(
        db.session, actor=current_user, objection_id=objection_id, reason=body["reason"]
    )
