"""Pages: the leaderboard (排行榜), the public ledger (账本公示), opting out of the board."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from points import places
from points.board import leaderboard, public_ledger
from points.errors import N_
from points.extensions import db
from points.i18n import translate
from points.web import nav

bp = Blueprint("board", __name__)

nav.add("board.leaderboard", N_("排行榜"), "public", 20)
nav.add("board.ledger", N_("账本公示"), "public", 30)

PERIOD_TABS = (("month", N_("本月")), ("year", N_("本年")), ("all", N_("总榜")))
KIND_TABS = (("residents", N_("个人")), ("households", N_("家庭")), ("villages", N_("村")))
PAGE_LIMIT = 50


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


def _place_args(board: leaderboard.Board) -> dict:
    """The query string naming a board's place (each picker sends its wider places too)."""
    named = {"town_id": board.town_id, "village_id": board.village_id, "grid_id": board.grid_id}
    return {name: value for name, value in named.items() if value is not None}


def _crumbs(board: leaderboard.Board, city_name: str | None, several_towns: bool) -> list:
    """(label, the place's query string, is it this board) from the top of the tree down."""
    levels = []
    if several_towns:
        levels.append((city_name or translate("全市"), leaderboard.Board()))
    for scope, name in (
        ("town", board.town_name),
        ("village", board.village_name),
        ("grid", board.grid_name),
    ):
        if name is not None:
            levels.append((name, board.widened(scope)))
    return [(label, _place_args(at), at.scope == board.scope) for label, at in levels]


@bp.route("/leaderboard", endpoint="leaderboard")
def leaderboard_page():
    """Residents, households or villages ranked for this month, this year or all time, over
    the city, a town, a village or a grid (the narrowest place named; unknown ones: 404)."""
    period = _choice("period", leaderboard.PERIODS, "month")
    kind = _choice("kind", leaderboard.KINDS, "residents")
    board = leaderboard.board_for(
        db.session,
        town_id=request.args.get("town_id", type=int),
        village_id=request.args.get("village_id", type=int),
        grid_id=request.args.get("grid_id", type=int),
    )
    towns = places.towns(db.session)
    if board.scope == "city" and len(towns) == 1:  # one town: its board is the city's
        board = leaderboard.board_for(db.session, "town", town_id=towns[0].id)
    if kind == "villages" and board.scope in ("village", "grid"):
        board = board.widened("town")  # villages rank within their town or across the city
    rows = leaderboard.rank_board(
        db.session, board, kind, leaderboard.period_key(period), PAGE_LIMIT
    )
    city = places.the_city(db.session)
    pick_within = kind != "villages"
    return render_template(
        "board/leaderboard.html",
        rows=rows,
        period=period,
        kind=kind,
        board=board,
        here=_place_args(board),
        town_only=_place_args(board.widened("town")) if board.town_id else {},
        crumbs=_crumbs(board, city.name if city else None, len(towns) > 1),
        towns=towns if len(towns) > 1 else [],
        villages=places.villages(db.session, town_id=board.town_id)
        if pick_within and board.town_id
        else [],
        grids=places.grids(db.session, village_id=board.village_id)
        if pick_within and board.village_id
        else [],
        period_tabs=PERIOD_TABS,
        kind_tabs=KIND_TABS,
    )


@bp.route("/ledger")
def ledger():
    """Points issued, redeemed and outstanding per village, grouped by town; the chain's head;
    participation."""
    info = public_ledger.overview(db.session)
    return render_template("board/ledger.html", info=info, charts=participation_chart(info))


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
        place = leaderboard.place_of(db.session, current_user.id, "month")
        if place is not None:  # the city's rank says something new only beside other towns
            place["several_towns"] = len(places.towns(db.session)) > 1
        return place

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
        charts.append(
            {
                "name": village["name"],
                "town_id": village["town_id"],
                "residents": village["residents"],
                "bars": bars,
            }
        )
    return charts
