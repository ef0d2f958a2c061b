"""Public lists and appeals: GET /lists/{red|black}, GET/POST /appeals, POST
/appeals/{id}/decision."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.auth import login_required
from points.extensions import db
from points.posting import appeals, lists

blp = Blueprint("api_lists", __name__, description="Public lists and appeals (红榜 · 黑榜 · 申请)")


class ListQuery(ma.Schema):
    village_id = ma.fields.Integer(required=True)


class ListEntryOut(ma.Schema):
    entry = ma.fields.String()
    display_name = ma.fields.String()
    rule = ma.fields.String()
    points = ma.fields.Integer()
    date = ma.fields.Date()


class AppealIn(ma.Schema):
    list = ma.fields.String(required=True, metadata={"description": "board|red|black|publicity"})
    entry = ma.fields.String(required=True, metadata={"description": "r<id>, t<id> or p<id>"})
    request = ma.fields.String(required=True, metadata={"description": "correct|remove"})
    reason = ma.fields.String(required=True)


class AppealDecisionIn(ma.Schema):
    decision = ma.fields.String(required=True, metadata={"description": "uphold|dismiss"})
    note = ma.fields.String(load_default="")


class AppealsQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)


class AppealOut(ma.Schema):
    id = ma.fields.Integer()
    list = ma.fields.String()
    entry = ma.fields.String()
    request = ma.fields.String()
    reason = ma.fields.String()
    status = ma.fields.String()
    village_id = ma.fields.Integer()
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)


@blp.route("/lists/<any(red, black):list_name>")
@blp.arguments(ListQuery, location="query")
@blp.response(200, ListEntryOut(many=True))
def show_list(args, list_name):
    """A village's red list (awards under the rule book) or black list (deductions; only
    where the village enables it): masked names, within the posting period."""
    found = lists.entries(db.session, list_name, args["village_id"])
    return [lists.public_row(entry) for entry in found]


@blp.route("/appeals", methods=["POST"])
@login_required
@blp.arguments(AppealIn)
@blp.response(201, AppealOut)
def file_appeal(body):
    """The resident named in an entry asks for its correction or removal."""
    appeal = appeals.file(
        db.session,
        current_user,
        list_name=body["list"],
        entry=body["entry"],
        request=body["request"],
        reason=body["reason"],
    )
    return appeals.as_dict(appeal)


@blp.route("/appeals")
@login_required
@blp.arguments(AppealsQuery, location="query")
@blp.response(200, AppealOut(many=True))
def list_appeals(args):
    """Admins: the open appeals in their reach; anyone else: their own appeals."""
    if policy.is_admin(current_user):
        found = appeals.waiting(db.session, current_user, args["village_id"])
    else:
        found = appeals.mine(db.session, current_user)
    return [appeals.as_dict(a) for a in found]


@blp.route("/appeals/<int:appeal_id>/decision", methods=["POST"])
@login_required
@blp.arguments(AppealDecisionIn)
@blp.response(200, AppealOut)
def decide_appeal(body, appeal_id):
    """An admin over the entry's village upholds (the entry leaves the public lists at once)
    or dismisses; 409 with the state when it was decided already."""
    appeal = appeals.decide(
        db.session, current_user, appeal_id, decision=body["decision"], note=body["note"]
    )
    return appeals.as_dict(appeal)
