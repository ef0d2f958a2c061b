"""GET /reports/{kind}.{fmt} and GET /dashboard: the committee's numbers and exports."""

from __future__ import annotations

from dataclasses import asdict

import marshmallow as ma
from flask import Response
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
    """ledger, checkins, redemptions or residents as csv (UTF-8 BOM) or xlsx."""
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
    made = reports.build(db.session, kind, flt)
    return Response(
        reports.render(made, fmt),
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
