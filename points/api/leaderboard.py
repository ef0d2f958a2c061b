"""GET /leaderboard: residents, households or villages by points earned in a period (public)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from points.api.common import UtcDateTime
from points.board import leaderboard
from points.extensions import db

blp = Blueprint("api_leaderboard", __name__, description="Leaderboard (排行榜)")


def _place_id(what: str) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(min=1), metadata={"description": what})


class LeaderboardArgs(ma.Schema):
    scope = ma.fields.String(
        validate=ma.validate.OneOf(leaderboard.SCOPES),
        metadata={
            "description": "grid (needs grid_id), village (needs village_id), town (town_id; "
            "may be left out when the city has one town) or city; left out: the narrowest "
            "place named, else the city"
        },
    )
    grid_id = _place_id("the grid of scope=grid")
    village_id = _place_id("the village of scope=village")
    town_id = _place_id("the town of scope=town")
    period = ma.fields.String(load_default="month", validate=ma.validate.OneOf(leaderboard.PERIODS))
    kind = ma.fields.String(load_default="residents", validate=ma.validate.OneOf(leaderboard.KINDS))
    limit = ma.fields.Integer(
        load_default=50, validate=ma.validate.Range(min=1, max=leaderboard.MAX_LIMIT)
    )
    badges = ma.fields.Boolean(
        load_default=False, metadata={"description": "residents: add each one's badges"}
    )

    @ma.validates_schema
    def a_scope_names_its_place(self, data, **kwargs):
        for scope in ("grid", "village"):
            if data.get("scope") == scope and data.get(f"{scope}_id") is None:
                raise ma.ValidationError(f"scope={scope} needs {scope}_id", f"{scope}_id")


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
    town_id = ma.fields.Integer()
    town_name = ma.fields.String()
    village_id = ma.fields.Integer()
    village_name = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True, metadata={"description": "residents only"})
    grid_name = ma.fields.String(allow_none=True, metadata={"description": "residents only"})
    reached_at = UtcDateTime(
        allow_none=True, metadata={"description": "when the score was reached (tie-break)"}
    )
    badges = ma.fields.List(ma.fields.Nested(BadgeOut))
    household_id = ma.fields.Integer()
    members = ma.fields.Integer()
    participants = ma.fields.Integer()
    residents = ma.fields.Integer()
    participation_rate = ma.fields.Float(metadata={"description": "percent, villages only"})
    town_rank = ma.fields.Integer(metadata={"description": "villages: the rank within its town"})


@blp.route("/leaderboard")
@blp.arguments(LeaderboardArgs, location="query")
@blp.response(200, RowOut(many=True))
def ranking(args):
    """Ranked by points earned (spending never lowers a rank); names masked; opt-outs left out.

    Villages rank by participation within a town (scope=town) or across the city.
    """
    return leaderboard.ranking(
        db.session,
        leaderboard.Query(
            kind=args["kind"],
            period=args["period"],
            scope=args.get("scope"),
            town_id=args.get("town_id"),
            village_id=args.get("village_id"),
            grid_id=args.get("grid_id"),
            limit=args["limit"],
            with_badges=args["badges"],
        ),
    )
