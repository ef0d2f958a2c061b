"""The reports page (CSV/XLSX downloads) and the printable monthly 积分公示 notice."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from points import policy
from points.admin.reports import KINDS
from points.auth import require
from points.board import notice_board
from points.clock import local_now
from points.errors import N_, Msgid, NotFound
from points.extensions import db
from points.places import get_village
from points.web.admin_common import chosen_place, chosen_village, picker, village_choices

bp = Blueprint("admin_reports", __name__, url_prefix="/admin/reports")

KIND_LABELS = {
    "ledger": N_("积分流水"),
    "checkins": N_("签到记录"),
    "redemptions": N_("兑换记录"),
    "residents": N_("村民名单"),
    "cases": N_("隐患与纠纷"),
}


@bp.route("/")
@require(policy.ensure_admin)
def index():
    """Choose a report, a village and dates; download CSV or Excel."""
    place = chosen_place()
    policy.ensure_may_see_reports(current_user, place)
    here = local_now()
    return render_template(
        "admin/reports.html",
        kinds=[(kind, KIND_LABELS[kind]) for kind in KINDS],
        **picker(place),
        start=request.args.get("from", f"{here.year}-{here.month:02d}-01"),
        end=request.args.get("to", here.date().isoformat()),
        month=f"{here.year}-{here.month:02d}",
    )


@bp.route("/notice")
@require(policy.ensure_admin)
def notice():
    """The monthly 积分公示: masked names, points earned this month, rank; print on A4."""
    choices = village_choices()
    village_id = chosen_village() or (choices[0].id if choices else None)
    if village_id is None:
        raise NotFound(what=Msgid(N_("村")))
    here = local_now()
    year, month = notice_board.parse_month(
        request.args.get("month") or f"{here.year}-{here.month:02d}"
    )
    lines = notice_board.notice_for(db.session, current_user, village_id, year, month)
    village = get_village(db.session, village_id)
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
