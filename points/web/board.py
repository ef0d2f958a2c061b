"""Pages: the leaderboard (排行榜), the public ledger (账本公示), opting out of the board."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from points.board import leaderboard, public_ledger
from points.errors import N_
from points.extensions import db
from points.i18n import translate
from points.models import Village
from points.web import nav

bp = Blueprint("board", __name__)

nav.add("board.leaderboard", N_("排行榜"), "public", 20)
nav.add("board.ledger", N_("账本公示"), "public", 30)

PERIOD_TABS = (("month", N_("本月")), ("year", N_("本年")), ("all", N_("总榜")))
KIND_TABS = (("residents", N_("个人")), ("households", N_("家庭")), ("villages", N_("村")))


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


@bp.route("/leaderboard", endpoint="leaderboard")
def leaderboard_page():
    """Residents, households or villages ranked for this month, this year or all time."""
    period = _choice("period", leaderboard.PERIODS, "month")
    kind = _choice("kind", leaderboard.KINDS, "residents")
    villages = db.session.scalars(select(Village).order_by(Village.code)).all()
    village_id = request.args.get("village_id", type=int)
    if kind == "villages" or village_id not in {v.id for v in villages}:
        village_id = None
    rows = leaderboard.ranking(
        db.session,
        leaderboard.Query(kind=kind, period=period, village_id=village_id, limit=50),
    )
    return render_template(
        "board/leaderboard.html",
        rows=rows,
        period=period,
        kind=kind,
        village_id=village_id,
        villages=villages,
        period_tabs=PERIOD_TABS,
        kind_tabs=KIND_TABS,
    )


@bp.route("/ledger")
def ledger():
    """Points issued, redeemed and outstanding per village; the chain's head; participation."""
    info = public_ledger.overview(db.session)
    return render_template("board/ledger.html", info=info, chart=participation_chart(info))


@bp.route("/me/leaderboard", methods=["POST"])
@login_required
def opt_out():
    """Leave the public leaderboard, or come back to it."""
    hide = request.form.get("hide") == "1"
    leaderboard.set_opt_out(db.session, current_user.id, hide)
    flash(
        translate("已不在排行榜上显示您。") if hide else translate("您已重新出现在排行榜上。"),
        "success",
    )
    return redirect(url_for("auth.my_points"))


@bp.app_context_processor
def board_helpers() -> dict:
    """Let the home page and "my points" show a preview and the reader's own place."""

    def board_preview(limit: int = 5) -> list[dict]:
        return leaderboard.ranking(db.session, leaderboard.Query(limit=limit, with_badges=False))

    def my_place() -> dict | None:
        if not current_user.is_authenticated:
            return None
        return leaderboard.place_of(db.session, current_user.id, "month")

    return {"board_preview": board_preview, "my_place": my_place}


def participation_chart(info: dict, width: int = 320, height: int = 120) -> list[dict]:
    """Bar geometry per village for the server-drawn SVG (months left to right)."""
    months = info["months"]
    slot = width / max(len(months), 1)
    charts = []
    for village in info["participation"]:
        bars = []
        for i, point in enumerate(village["months"]):
            bar_height = round(point["rate"] * (height - 30), 1)
            bars.append(
                {
                    "x": round(i * slot + slot * 0.15, 1),
                    "width": round(slot * 0.7, 1),
                    "y": round(height - 16 - bar_height, 1),
                    "height": bar_height,
                    "label": f"{int(point['month'][6:])}",
                    "percent": round(point["rate"] * 100),
                    "count": point["count"],
                    "center": round(i * slot + slot / 2, 1),
                }
            )
        charts.append({"name": village["name"], "residents": village["residents"], "bars": bars})
    return charts
