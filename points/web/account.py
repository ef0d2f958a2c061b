"""Log in, log out and "my points"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from points import ledger
from points.auth import end_sessions
from points.board import standing
from points.errors import UnknownAccount
from points.extensions import db
from points.i18n import translate
from points.people import attempts, notices
from points.web.edge.boundary import safe_next
from points.web.edge.guards import login_per_ip, login_rule
from points.year import settlement

bp = Blueprint("auth", __name__)


def home_for(user) -> str:
    """Staff land on their events, admins on the dashboard, residents on their points."""
    from points.web.tabbar import landing_for

    return landing_for(user)


@bp.route("/login", methods=["GET", "POST"])
@login_per_ip
def login():
    """Log in with phone number and password."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "POST":
        phone = request.form.get("phone", "")
        try:
            user = attempts.log_in(
                db.session, phone, request.form.get("password", ""), login_rule()
            )
        except attempts.AccountLocked as locked:
            flash(locked.message, "error")
            page = render_template("login.html", next=next_url, phone=phone)
            return page, 429, {"Retry-After": str(locked.retry_after)}
        if user is None:
            flash(translate("手机号或密码不对。"), "error")
            return render_template(
                "login.html", next=next_url, phone=request.form.get("phone", "")
            ), 401
        login_user(user, remember=True)
        return redirect(next_url or home_for(user))
    return render_template("login.html", next=next_url, phone="")


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user)
    logout_user()
    return redirect(url_for("public.home"))


@bp.route("/me")
@login_required
def my_points():
    """Balance, available points, level and history."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    info = standing.summary(db.session, current_user)
    lines, total = [], 0
    try:
        account = ledger.resident_account(db.session, current_user.id)
        lines = ledger.statement(db.session, account.id, limit=20, offset=(page - 1) * 20)
        total = ledger.count_lines(db.session, account.id)
    except UnknownAccount:
        pass
    expiring = settlement.expiring_for(db.session, current_user)
    unread = [n for n in notices.recent(db.session, current_user.id, limit=10) if not n.read_at]
    return render_template(
        "my_points.html",
        info=info,
        lines=lines,
        page=page,
        total=total,
        expiring=expiring,
        unread=unread,
    )
