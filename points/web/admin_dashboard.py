"""The admin dashboard: the scheme's numbers and charts, drawn on the server."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from points import policy
from points.admin import dashboard
from points.auth import require
from points.cases import measures
from points.errors import N_
from points.extensions import db
from points.i18n import translate
from points.rules import budget as budgets
from points.web import charts, nav
from points.web.admin_common import chosen_place, picker

bp = Blueprint("admin_dashboard", __name__, url_prefix="/admin")
nav.add("admin_dashboard.index", N_("管理台"), "staff", 60)


@bp.route("/")
@require(policy.ensure_staff)
def index():
    """This month's and year's numbers, with 12-month charts: a village, a town or the city
    (grid workers and village admins: their village); the city's with each town's figures."""
    place = chosen_place()
    board = dashboard.for_reader(db.session, current_user, place)
    towns = dashboard.rollup_for(db.session, current_user) if place.town_id is None else []
    labels = [point.label[2:] for point in board.series]
    checkin_chart = charts.bar_chart(
        translate("每月签到人次"), labels, [p.checkins for p in board.series]
    )
    points_chart = charts.line_chart(
        translate("每月积分发放与兑换"),
        labels,
        [
            (translate("发放"), [p.issued for p in board.series]),
            (translate("兑换"), [p.redeemed for p in board.series]),
            (translate("参与人数"), [p.participants for p in board.series]),
        ],
    )
    budget = None
    if place.town_id is not None and policy.allows(
        policy.ensure_may_see_budget, current_user, place
    ):
        budget = budgets.figures(db.session, place)
    return render_template(
        "admin/dashboard.html",
        board=board,
        cases_board=measures.for_reader(db.session, current_user, place),
        budget=budget,
        town_figures=towns,
        **picker(place),
        checkin_chart=checkin_chart,
        points_chart=points_chart,
    )
