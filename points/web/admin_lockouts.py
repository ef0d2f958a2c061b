"""A person's login lockout on their admin page: shown, and lifted by their admin."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, url_for
from flask_login import current_user

from points import policy
from points.auth import require
from points.clock import local_time
from points.extensions import db
from points.i18n import translate
from points.people import attempts

bp = Blueprint("admin_lockouts", __name__, url_prefix="/admin/residents")


@bp.route("/<int:user_id>/unlock", methods=["POST"])
@require(policy.ensure_admin)
def unlock(user_id: int):
    person = attempts.lift_lockout(db.session, current_user, user_id)
    flash(translate("已为 %(name)s 解除登录锁定。", name=person.name), "success")
    return redirect(url_for("admin_residents.edit", user_id=user_id))


def login_locked_until(user_id: int) -> str | None:
    """For templates: until when (local time) a person's login is locked, if it is."""
    until = attempts.locked_until(db.session, attempts.login_key(user_id))
    return local_time(until, "%H:%M") if until else None


@bp.record_once
def _template_helper(state) -> None:
    app: Flask = state.app
    app.jinja_env.globals["login_locked_until"] = login_locked_until
