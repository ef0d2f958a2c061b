"""The working-day calendar page (节假日 · 调休): a town's or the city's days for one year."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from points import policy
from points.auth import require
from points.clock import local_now
from points.errors import REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.places import workdays
from points.policy import Place
from points.web.admin_common import chosen_place, picker

bp = Blueprint("admin_calendar", __name__, url_prefix="/admin")


def _year(raw: str | None) -> object:
    """The year asked for (this year when none); anything else goes to the use case to refuse."""
    raw = (raw or "").strip()
    if not raw:
        return local_now().year
    return int(raw) if raw.isdigit() and len(raw) <= 6 else raw


@bp.route("/settings/calendar", methods=["GET", "POST"], endpoint="calendar")
@require(policy.ensure_admin)
def calendar_page():
    """A year's holidays and make-up working days: the city's, or a town's own additions
    (villages follow their town's)."""
    place = Place(chosen_place().town_id)
    status = 200
    typed = None
    if request.method == "POST":
        year = _year(request.form.get("year"))
        try:
            workdays.set_year(
                db.session,
                current_user,
                place,
                year,
                holidays=request.form.get("holidays", ""),
                workdays=request.form.get("workdays", ""),
            )
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            flash(error.message, "error")
            status = 422
            typed = request.form
        else:
            flash(translate("节假日安排已保存。"), "success")
            return redirect(url_for(".calendar", town_id=place.town_id, year=year))
        year = local_now().year if not isinstance(year, int) else year
    else:
        year = _year(request.args.get("year"))
    try:
        shown = workdays.year_view(db.session, place, year)
    except workdays.BadCalendar as error:
        flash(error.message, "error")
        shown, status = workdays.year_view(db.session, place, local_now().year), 422
    return render_template(
        "admin/calendar.html",
        shown=shown,
        typed=typed,
        may_change=policy.allows(policy.ensure_may_change_calendar, current_user, place),
        **picker(place),
    ), status
