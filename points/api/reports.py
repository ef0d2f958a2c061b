"""GET /reports/{kind}.{fmt} and GET /dashboard: the committee's numbers and exports."""

from __future__ import annotations

from dataclasses import asdict

import marshmallow as ma
from flask import Response, stream_with_context
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.admin import dashboard, reports
from points.auth import require
from points.extensions import db
from points.places import chosen_place

blp = Blueprint("api_reports", __name__, description="Reports, exports and the dashboard")


class ReportQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)
    town_id = ma.fields.Integer(load_default=None)
    from_ = ma.fields.Date(data_key="from", load_default=None)
    to = ma.fields.Date(load_default=None)


class DashboardQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)
    town_id = ma.fields.Integer(load_default=None)


class TownFiguresSchema(ma.Schema):
    town_id = ma.fields.Integer()
    name = ma.fields.String()
    points_name = ma.fields.String(metadata={"description": "what the town calls its points"})
    residents = ma.fields.Integer(metadata={"description": "active residents"})
    participants = ma.fields.Integer(metadata={"description": "residents who checked in this year"})
    events = ma.fields.Integer(metadata={"description": "events held this year"})
    checkins = ma.fields.Integer(metadata={"description": "check-ins this year"})
    issued = ma.fields.Integer(metadata={"description": "points issued, all time, net"})
    redeemed = ma.fields.Integer(metadata={"description": "points redeemed, all time"})
    outstanding = ma.fields.Integer(metadata={"description": "residents' balances now"})


@blp.route("/reports/<kind>.<fmt>")
@require(policy.ensure_admin)
@blp.arguments(ReportQuery, location="query")
@blp.response(200, content_type="text/csv")
@blp.alt_response(
    200,
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    success=True,
    description="XLSX",
)
def report(args, kind, fmt):
    """ledger, checkins, redemptions, residents or cases as csv (UTF-8 BOM) or xlsx."""
    if kind not in reports.KINDS or fmt not in reports.FORMATS:
        raise reports.UnknownReport(kind=f"{kind}.{fmt}")
    flt = reports.scope_filter(
        db.session,
        current_user,
        args["village_id"],
        args["from_"],
        args["to"],
        town_id=args["town_id"],
    )
    if kind == "ledger":  # a year of a city's transfers: streamed, never held at once
        made = reports.ledger_streamed(db.session, flt)
        body = stream_with_context(reports.stream(made, fmt))
    else:
        made = reports.build(db.session, kind, flt)
        body = reports.render(made, fmt)
    return Response(
        body,
        mimetype=reports.CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{made.filename(fmt, flt)}"'},
    )


@blp.route("/dashboard")
@require(policy.ensure_staff)
@blp.arguments(DashboardQuery, location="query")
@blp.response(200)
def show_dashboard(args):
    """The dashboard's numbers and 12-month series: a village or town of the reader's scope,
    else all of it."""
    place = chosen_place(
        db.session, current_user, village_id=args["village_id"], town_id=args["town_id"]
    )
    return asdict(dashboard.for_reader(db.session, current_user, place))


@blp.route("/towns/figures")
@require(policy.ensure_city_admin)
@blp.response(200, TownFiguresSchema(many=True))
def town_figures():
    """Each town's residents, events, check-ins (this year) and points, side by side (city
    admin)."""
    return dashboard.rollup_for(db.session, current_user)
