"""The committee's year-end report (年终报告): a printable page and its Excel workbook."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from points import policy
from points.admin.reports import CONTENT_TYPES
from points.auth import require
from points.clock import local_now
from points.extensions import db
from points.web.admin_common import chosen_place, picker
from points.year import report

bp = Blueprint("year_report", __name__, url_prefix="/admin/reports")


def _year() -> int:
    return request.args.get("year", type=int) or local_now().year - 1


@bp.route("/year", endpoint="page")
@require(policy.ensure_admin)
def year_page():
    """Per village: points issued per rule, redeemed, expired, outstanding, participation and
    the best households; printable on A4."""
    place = chosen_place()
    year = _year()
    return render_template(
        "admin/year_report.html",
        report=report.for_place(db.session, current_user, place, year),
        year=year,
        printed=local_now().date(),
        **picker(place),
    )


@bp.route("/year.xlsx", endpoint="xlsx")
@require(policy.ensure_admin)
def year_xlsx():
    place = chosen_place()
    year = _year()
    body = report.to_xlsx(report.for_place(db.session, current_user, place, year), year)
    return Response(
        body,
        mimetype=CONTENT_TYPES["xlsx"],
        headers={"Content-Disposition": f'attachment; filename="year-{year}.xlsx"'},
    )
