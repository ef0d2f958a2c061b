"""The city's towns page (each town's figures, open a town) and a town's names form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from points import places, policy
from points.admin import dashboard
from points.auth import require
from points.errors import REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.places.opening import open_town

bp = Blueprint("admin_towns", __name__, url_prefix="/admin/towns")


def _typed(name: str) -> str | None:
    """A text field as typed; blank means "leave as it is" (or the default)."""
    return (request.form.get(name) or "").strip() or None


def _towns_page(status: int = 200):
    return render_template(
        "admin/towns.html",
        city=places.the_city(db.session),
        town_figures=dashboard.rollup_for(db.session, current_user),
        form=request.form,
    ), status


@bp.route("/")
@require(policy.ensure_city_admin)
def index():
    """Every town side by side: residents taking part, events, check-ins, points."""
    return _towns_page()


@bp.route("/", methods=["POST"])
@require(policy.ensure_city_admin)
def create():
    """Open a town: the town, the names of its scheme and points, its default categories."""
    try:
        town = open_town(
            db.session,
            name=request.form.get("name", ""),
            code=request.form.get("code", ""),
            points_name=_typed("points_name"),
            scheme_name=_typed("scheme_name"),
            actor=current_user,
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        flash(error.message, "error")
        return _towns_page(422)
    flash(translate("已新建%(name)s。", name=town.name), "success")
    return redirect(url_for(".index"))


@bp.route("/mine")
@require(policy.ensure_town_admin_or_up)
def mine():
    """A town admin's own town's names (the city admin: the towns page)."""
    if current_user.town_id is None:
        return redirect(url_for(".index"))
    return redirect(url_for(".edit", town_id=current_user.town_id))


@bp.route("/<int:town_id>", methods=["GET", "POST"])
@require(policy.ensure_town_admin_or_up)
def edit(town_id: int):
    """Rename a town, its scheme or its points (谷来镇: 香榧币): its town admins, the city."""
    town = places.town_to_manage(db.session, current_user, town_id)
    status = 200
    if request.method == "POST":
        try:
            places.update_town(
                db.session,
                current_user,
                town_id,
                name=_typed("name"),
                points_name=request.form.get("points_name"),  # blank: plain 积分 again
                scheme_name=_typed("scheme_name"),
            )
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            flash(error.message, "error")
            status = 422
        else:
            flash(translate("已保存。"), "success")
            return redirect(url_for(".edit", town_id=town_id))
    return render_template(
        "admin/town_form.html",
        town=town,
        town_scheme=places.scheme_of(db.session, town),
        form=request.form,
    ), status
