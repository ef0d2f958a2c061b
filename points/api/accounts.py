"""GET /me and /me/transfers: a person's own points."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import ledger
from points.api.common import PageArgs, UtcDateTime
from points.auth import login_required
from points.board import standing
from points.errors import UnknownAccount
from points.extensions import db
from points.year import settlement

blp = Blueprint("api_me", __name__, description="My points")


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    phone = ma.fields.String()
    role = ma.fields.String()
    village_id = ma.fields.Integer(allow_none=True)
    household_id = ma.fields.Integer(allow_none=True)
    balance = ma.fields.Integer()
    available = ma.fields.Integer()
    lifetime_points = ma.fields.Integer()
    level = ma.fields.Dict()
    badges = ma.fields.List(ma.fields.Dict())
    expiring = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "[{points, on}]: expiring within 30 days"}
    )


class LineSchema(ma.Schema):
    id = ma.fields.Integer()
    amount = ma.fields.Integer(metadata={"description": "+ credited to me, − debited"})
    kind = ma.fields.String()
    memo = ma.fields.String()
    created_at = UtcDateTime()
    status = ma.fields.String(metadata={"description": "posted, pending or voided"})


class LinesPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LineSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


@blp.route("/me")
@login_required
@blp.response(200, MeSchema)
def me():
    """My balance, available points, level, badges and points expiring within 30 days."""
    coming = settlement.expiring_for(db.session, current_user)
    return {
        **standing.summary(db.session, current_user),
        "expiring": [{"points": c.points, "on": c.on.isoformat()} for c in coming],
    }


@blp.route("/me/transfers")
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, LinesPage)
def my_transfers(args):
    """My ledger lines, newest first."""
    page, per_page = args["page"], args["per_page"]
    try:
        account = ledger.resident_account(db.session, current_user.id)
    except UnknownAccount:  # a town admin has no points account: an empty history
        return {"items": [], "page": page, "per_page": per_page, "total": 0}
    lines = ledger.statement(db.session, account.id, limit=per_page, offset=(page - 1) * per_page)
    return {
        "items": lines,
        "page": page,
        "per_page": per_page,
        "total": ledger.count_lines(db.session, account.id),
    }
