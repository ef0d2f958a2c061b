"""GET /reports/year-end: the committee's year-end report, per village (admins over it)."""

from __future__ import annotations

from dataclasses import asdict

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points.auth import login_required
from points.extensions import db
from points.places import chosen_place
from points.year import report

blp = Blueprint("api_year_report", __name__, description="The year-end report (年终报告)")


class YearEndQuery(ma.Schema):
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(2000, 2999))
    village_id = ma.fields.Integer(load_default=None)
    town_id = ma.fields.Integer(load_default=None)


@blp.route("/reports/year-end")
@login_required
@blp.arguments(YearEndQuery, location="query")
@blp.response(200)
def year_end(args):
    """Per village: issued per rule, deducted, redeemed, expired, outstanding at the year's
    end, participation and the top households."""
    place = chosen_place(
        db.session, current_user, village_id=args["village_id"], town_id=args["town_id"]
    )
    found = report.for_place(db.session, current_user, place, args["year"])
    return [
        {
            **asdict(v),
            "issued_by_rule": [{"rule": r, "points": p} for r, p in v.issued_by_rule],
            "top_households": [{"household": c, "score": s} for c, s in v.top_households],
            "participation": round(v.participation, 4),
        }
        for v in found
    ]
