"""The reports page (CSV/XLSX downloads) and the printable monthly 积分公示 notice."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from points.admin.dashboard import local_now
from points.admin.reports import KINDS
from points.auth import ADMINS, require_role
from points.board import notice_board
from points.errors import N_
from points.extensions import db
from points.places import get_village
from points.web.admin_common import chosen_village, village_choices

bp = Blueprint("admin_reports", __name__, url_prefix="/admin/reports")

KIND_LABELS = {
    "ledger": N_("积分流水"),
    "checkins": N_("签到记录"),
    "redemptions": N_("兑换记录"),
    "residents": N_("村民名单"),
}


@bp.route("/")
@require_role(*ADMINS)
def index():
    """Choose a report, a village and dates; download CSV or Excel."""
    village_id = chosen_village()
    here = local_now()
    return render_template(
        "admin/reports.html",
        kinds=[(kind, KIND_LABELS[kind]) for kind in KINDS],
        villages=village_choices(),
        village_id=village_id,
        start=request.args.get("from", f"{here.year}-{here.month:02d}-01"),
        end=request.args.get("to", here.date().isoformat()),
        month=f"{here.year}-{here.month:02d}",
    )


@bp.route("/notice")
@require_role(*ADMINS)
def notice():
    """The monthly 积分公示: masked names, points earned this month, rank; print on A4."""
    village_id = chosen_village() or current_user.village_id
    choices = village_choices()
    if village_id is None and choices:
        village_id = choices[0].id
    here = local_now()
    year, month = notice_board.parse_month(
        request.args.get("month") or f"{here.year}-{here.month:02d}"
    )
    village = get_village(db.session, village_id)
    lines = notice_board.monthly_notice(db.session, village.id, year, month)
    return render_template(
        "admin/notice.html",
        village=village,
        year=year,
        month=month,
        lines=lines,
        villages=choices,
        village_id=village.id,
        printed=here.date(),
    )
