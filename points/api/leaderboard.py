"""GET /leaderboard: residents, households or villages by points earned in a period (public)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from points.board import leaderboard
from points.extensions import db

blp = Blueprint("api_leaderboard", __name__, description="Leaderboard (排行榜)")


class LeaderboardArgs(ma.Schema):
    scope = ma.fields.String(
        validate=ma.validate.OneOf(("town", "village")),
        metadata={"description": "town (default) or village (needs village_id)"},
    )
    village_id = ma.fields.Integer(validate=ma.validate.Range(min=1))
    period = ma.fields.String(load_default="month", validate=ma.validate.OneOf(leaderboard.PERIODS))
    kind = ma.fields.String(load_default="residents", validate=ma.validate.OneOf(leaderboard.KINDS))
    limit = ma.fields.Integer(
        load_default=50, validate=ma.validate.Range(min=1, max=leaderboard.MAX_LIMIT)
    )
    badges = ma.fields.Boolean(
        load_default=False, metadata={"description": "residents: add each one's badges"}
    )

    @ma.validates_schema
    def village_scope_names_a_village(self, data, **kwargs):
        if data.get("scope") == "village" and data.get("village_id") is None:
            raise ma.ValidationError("scope=village needs village_id", "village_id")


class BadgeOut(ma.Schema):
    code = ma.fields.String()
    icon = ma.fields.String()
    name = ma.fields.String()
    name_en = ma.fields.String()
    description = ma.fields.String()


class RowOut(ma.Schema):
    rank = ma.fields.Integer(metadata={"description": "equal points share a rank (1, 1, 3)"})
    display_name = ma.fields.String(metadata={"description": "masked name, household or village"})
    points = ma.fields.Integer(metadata={"description": "points earned in the period"})
    level = ma.fields.Dict(allow_none=True, metadata={"description": "residents only"})
    village_id = ma.fields.Integer()
    village_name = ma.fields.String()
    reached_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "when the score was reached (tie-break)"}
    )
    badges = ma.fields.List(ma.fields.Nested(BadgeOut))
    household_id = ma.fields.Integer()
    members = ma.fields.Integer()
    participants = ma.fields.Integer()
    residents = ma.fields.Integer()
    participation_rate = ma.fields.Float(metadata={"description": "percent, villages only"})


@blp.route("/leaderboard")
@blp.arguments(LeaderboardArgs, location="query")
@blp.response(200, RowOut(many=True))
def ranking(args):
    """Ranked by points earned (spending never lowers a rank); names masked; opt-outs left out."""
    village_id = args.get("village_id") if args.get("scope", "village") == "village" else None
    return leaderboard.ranking(
        db.session,
        leaderboard.Query(
            kind=args["kind"],
            period=args["period"],
            village_id=village_id,
            limit=args["limit"],
            with_badges=args["badges"],
        ),
    )
