"""Home visit pages (平安家访 · 民情日记): a grid's households with their last visits, the visit
form reached by scanning the door code (or picking the household), and the A4 door sheet."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from points import policy, visits
from points.auth import require
from points.errors import N_, REFUSALS, DomainError, NotFound
from points.extensions import db
from points.i18n import translate
from points.models import Household, User
from points.qr import qr_svg_inline
from points.visits import doors, listing
from points.visits.record import household_place
from points.web import nav
from points.web.edge.errors import status_for
from points.web.edge.scanning import base_url, secret

bp = Blueprint("visits", __name__, url_prefix="/visits")
nav.add("visits.index", N_("家访"), "staff", 56)


def _grid_arg() -> int | None:
    raw = request.args.get("grid_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.route("/")
@require(policy.ensure_staff)
def index():
    """The households of my grids (or the grid an admin picked), unvisited this quarter first."""
    return _index_page()


def _index_page(status: int = 200):
    grids = listing.grids_to_pick(db.session, current_user)
    grid_id = _grid_arg()
    if grid_id is None and not policy.is_admin(current_user):
        rows = visits.households_of(db.session, current_user)
    elif grid_id is None:
        rows = []
    else:
        rows = visits.households_of(db.session, current_user, grid_id=grid_id)
    due = sum(1 for row in rows if not row.visited_this_quarter)
    # The phone keeps each listed household's visit form for a visit without signal.
    keep = [url_for(".household", household_id=row.id) for row in rows]
    return render_template(
        "visits/index.html", rows=rows, grids=grids, grid_id=grid_id, due=due, keep=keep
    ), status


@bp.route("/door", methods=["POST"])
@require(policy.ensure_staff)
def door():
    """A scanned (or typed) door code: open that household's visit form."""
    try:
        household = doors.household_for_door(
            db.session, secret(), (request.form.get("code") or "")[:300]
        )
    except DomainError as error:
        flash(error.message, "error")
        return _index_page(status_for(error))
    return redirect(url_for(".household", household_id=household.id))


@bp.route("/door/<token>")
@require(policy.ensure_staff)
def door_link(token: str):
    """The door code opened by a phone's own camera: the same visit form."""
    household = doors.household_for_door(db.session, secret(), token[:200])
    return redirect(url_for(".household", household_id=household.id))


def _form_page(household_id: int, status: int = 200):
    household = db.session.get(Household, household_id)
    if household is None:
        raise NotFound(what=N_("该户"))
    policy.ensure_may_visit(current_user, household_place(db.session, household))
    members = db.session.scalars(
        select(User).where(User.household_id == household_id).order_by(User.id)
    )
    return render_template(
        "visits/visit.html",
        household=household,
        members=list(members),
        diary=visits.recent(db.session, current_user, household_id),
        form=request.form,
        keep=[url_for(".index", grid_id=household.grid_id), url_for(".index")],
    ), status


@bp.route("/households/<int:household_id>", methods=["GET", "POST"])
@require(policy.ensure_staff)
def household(household_id: int):
    """The visit form: the note (民情日记), what was found, and the member's confirmation."""
    if request.method == "GET":
        return _form_page(household_id)
    form = request.form
    card = (form.get("card_token") or "").strip()
    try:
        done = visits.record(
            db.session,
            current_user,
            household_id=household_id,
            note=form.get("note"),
            follow_up=form.get("follow_up"),
            hazard_found=bool(form.get("hazard_found")),
            dispute_found=bool(form.get("dispute_found")),
            confirmation="card" if card else ("in_person" if form.get("in_person") else None),
            member_id=form.get("member_id"),
            card_token=card or None,
            secret=secret(),
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        db.session.rollback()
        flash(error.message, "error")
        return _form_page(household_id, status_for(error))
    visit = done.visit
    if done.already:
        flash(translate("今天已经记过这一户的家访，没有重复记分。"), "warning")
    else:
        flash(
            translate(
                "家访已记录：这户 +%(member)s 分，您 +%(worker)s 分。",
                member=visit.member_points,
                worker=visit.worker_points,
            ),
            "success",
        )
    if visit.hazard_found or visit.dispute_found:
        flash(translate("发现了隐患或纠纷：请在“申报”中登记，以便跟进处理。"), "warning")
    return redirect(url_for(".index", grid_id=visit.grid_id, done=visit.household_id))


@bp.route("/doors")
@require(policy.ensure_staff)
def door_sheet():
    """Print-ready A4 sheets of door codes for one grid, 8 households a page."""
    grid_id = _grid_arg()
    if grid_id is None:
        grids = listing.grids_to_pick(db.session, current_user)
        if not grids:
            return render_template("visits/doors.html", sheets=[], grid=None, count=0)
        grid_id = grids[0].id
    grid, rows = visits.door_sheet(db.session, current_user, grid_id)
    key, base = secret(), base_url()
    codes = [
        {"row": row, "qr": qr_svg_inline(doors.door_url(base, key, row.id), box_size=4, border=2)}
        for row in rows
    ]
    sheets = [codes[i : i + 8] for i in range(0, len(codes), 8)]
    return render_template("visits/doors.html", sheets=sheets, grid=grid, count=len(codes))
