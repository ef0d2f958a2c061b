"""GET /reports/{kind}.{fmt} and GET /dashboard: the committee's numbers and exports."""

from __future__ import annotations

from dataclasses import asdict

import marshmallow as ma
from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from points.admin import dashboard, reports
from points.api.common import require_role
from points.auth import ADMINS, STAFF, ensure_village, sees_all_villages
from points.extensions import db

blp = Blueprint("api_reports", __name__, description="Reports, exports and the dashboard")


class ReportQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)
    from_ = ma.fields.Date(data_key="from", load_default=None)
    to = ma.fields.Date(load_default=None)


class DashboardQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)


@blp.route("/reports/<kind>.<fmt>")
@require_role(*ADMINS)
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
    flt = reports.scope_filter(current_user, args["village_id"], args["from_"], args["to"])
    made = reports.build(db.session, kind, flt)
    return Response(
        reports.render(made, fmt),
        mimetype=reports.CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{made.filename(fmt, flt)}"'},
    )


@blp.route("/dashboard")
@require_role(*STAFF)
@blp.arguments(DashboardQuery, location="query")
@blp.response(200)
def show_dashboard(args):
    """The dashboard's numbers and 12-month series (own village; town admin: any or all)."""
    village_id = args["village_id"]
    if village_id is not None:
        ensure_village(current_user, village_id)
    elif not sees_all_villages(current_user):
        village_id = current_user.village_id
    return asdict(dashboard.build(db.session, village_id))
