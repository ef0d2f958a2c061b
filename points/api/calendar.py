"""GET and PUT /calendar/{year}: public holidays and make-up working days (节假日 · 调休)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.auth import require
from points.extensions import db
from points.places import chosen_place, get_town, workdays
from points.policy import Place

blp = Blueprint(
    "api_calendar",
    __name__,
    description="Working-day calendar: public holidays and make-up working days (节假日 · 调休)",
)


class CalendarQuery(ma.Schema):
    town_id = ma.fields.Integer(
        load_default=None, metadata={"description": "a town's own days; none: the city's"}
    )


def _days(description: str, **extra) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=40)),
        validate=ma.validate.Length(max=400),
        metadata={"description": description},
        **extra,
    )


class DayLists(ma.Schema):
    holidays = _days("days off, YYYY-MM-DD")
    workdays = _days("Saturdays or Sundays worked (调休上班), YYYY-MM-DD")


class CalendarIn(ma.Schema):
    holidays = _days("days off, YYYY-MM-DD", load_default=list)
    workdays = _days("Saturdays or Sundays worked (调休上班), YYYY-MM-DD", load_default=list)


class CalendarOut(DayLists):
    year = ma.fields.Integer()
    town_id = ma.fields.Integer(allow_none=True)
    effective = ma.fields.Nested(
        DayLists, metadata={"description": "the days that apply there: the city's and its own"}
    )


@blp.route("/calendar/<int:year>")
@blp.arguments(CalendarQuery, location="query")
@blp.response(200, CalendarOut)
def show_calendar(args, year):
    """A year's days off and make-up days of a town (its own and those that apply), or the
    city's."""
    town_id = args["town_id"]
    place = Place(get_town(db.session, town_id).id) if town_id is not None else Place()
    return workdays.year_view(db.session, place, year)


@blp.route("/calendar/<int:year>", methods=["PUT"])
@require(policy.ensure_admin)
@blp.arguments(CalendarQuery, location="query")
@blp.arguments(CalendarIn)
@blp.response(200, CalendarOut)
def change_calendar(args, body, year):
    """Replace a year's days off and make-up days of a town (its admins and the city's) or,
    without town_id, of the reader's own place (the city's: the city admin). Empty lists clear
    the year."""
    place = chosen_place(db.session, current_user, town_id=args["town_id"])
    return workdays.set_year(
        db.session,
        current_user,
        place,
        year,
        holidays=body["holidays"],
        workdays=body["workdays"],
    )
