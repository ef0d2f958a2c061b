"""GET /households/{id} (its members, admins over it) and its 积分贷 statement PDF."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from points.auth import login_required
from points.extensions import db
from points.households import items, score
from points.places import settings
from points.statements import issue, pdf
from points.web.edge.scanning import base_url

blp = Blueprint("api_households", __name__, description="Households (户) and 积分贷 statements")


class HouseholdSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    village_id = ma.fields.Integer()
    members = ma.fields.List(ma.fields.Dict())
    year = ma.fields.Integer()
    score_year = ma.fields.Integer()
    stars = ma.fields.Integer()
    base = ma.fields.Integer(metadata={"description": "the household base (score only)"})
    earned_year = ma.fields.Integer(metadata={"description": "members' points earned"})
    items_year = ma.fields.Integer(metadata={"description": "household items of the book"})


class ItemIn(ma.Schema):
    rule_code = ma.fields.String(required=True)
    tier = ma.fields.String(load_default=None, allow_none=True)
    units = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1, 24))
    memo = ma.fields.String(load_default="")


class ItemOut(ma.Schema):
    id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    rule_id = ma.fields.Integer()
    rule_version_id = ma.fields.Integer()
    points = ma.fields.Integer()
    year = ma.fields.Integer()
    memo = ma.fields.String()


class YearArgs(ma.Schema):
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(2000, 2100))


@blp.route("/households/<int:household_id>")
@login_required
@blp.arguments(YearArgs, location="query")
@blp.response(200, HouseholdSchema)
def household(args, household_id: int):
    """A household's yearly score (its members' earned points) and 文明家庭 stars."""
    return score.view(db.session, current_user, household_id, year=args["year"])


@blp.route("/households/<int:household_id>/items", methods=["POST"])
@login_required
@blp.arguments(ItemIn)
@blp.response(201, ItemOut)
def household_item(body, household_id: int):
    """Record a household item of the rule book (admins over the household's village); its
    points count in the household's score only, never in anyone's balance."""
    return items.record(db.session, current_user, household_id, **body)


@blp.route("/households/<int:household_id>/statement.pdf")
@login_required
@blp.arguments(YearArgs, location="query")
def statement(args, household_id: int):
    """Issue the household's 积分贷 statement (admins over it; consent recorded)."""
    issued = issue.issue(db.session, current_user, household_id, year=args["year"])
    place = issue.place_of(db.session, household_id)
    name = settings.get(db.session, "scheme_name", place.village_id)
    body = pdf.render(issued.figures, f"{base_url()}/statements/{issued.token}", scheme_name=name)
    return Response(body, mimetype="application/pdf")
