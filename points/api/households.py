"""GET /households/{id} (its members, admins over it) and its 积分贷 statement PDF."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from points.auth import login_required
from points.edge.scanning import base_url
from points.extensions import db
from points.households import score
from points.places import settings
from points.statements import issue, pdf

blp = Blueprint("api_households", __name__, description="Households (户) and 积分贷 statements")


class HouseholdSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    village_id = ma.fields.Integer()
    members = ma.fields.List(ma.fields.Dict())
    year = ma.fields.Integer()
    score_year = ma.fields.Integer()
    stars = ma.fields.Integer()


class YearArgs(ma.Schema):
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(2000, 2100))


@blp.route("/households/<int:household_id>")
@login_required
@blp.arguments(YearArgs, location="query")
@blp.response(200, HouseholdSchema)
def household(args, household_id: int):
    """A household's yearly score (its members' earned points) and 文明家庭 stars."""
    return score.view(db.session, current_user, household_id, year=args["year"])


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
