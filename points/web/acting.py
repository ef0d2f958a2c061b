"""代办 pages: a grid worker finds a resident who is present, acts for them for 10 minutes."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, user_logged_out

from points import policy, rules
from points.auth import require
from points.errors import N_, REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.ledger import resident_account
from points.people import acting
from points.people.search import search_people
from points.shop import catalogue
from points.web import nav
from points.web.edge.errors import status_for

bp = Blueprint("acting", __name__, url_prefix="/act")
nav.add("acting.index", N_("代办"), "staff", 55)
KEY = "acting_id"


def _page(status: int = 200):
    try:
        now = acting.current(db.session, current_user, session.get(KEY))
    except acting.ActingEnded:
        if session.pop(KEY, None):
            flash(acting.ActingEnded().message, "warning")
        now = None
    q = (request.args.get("q") or "").strip()[:64]
    found = (
        []
        if now
        else search_people(db.session, current_user, q, active_only=True, village_wide=True)
    )
    found = [p for p in found if p.role == "resident" and p.id != current_user.id]
    rewards, available, claimable = [], None, []
    if now:
        rewards = catalogue.visible_rewards(db.session, now.resident.village_id)
        available = resident_account(db.session, now.resident.id).available
        items = rules.current_items(db.session, village_id=now.resident.village_id)
        claimable = [terms for terms in items if terms.kind == "earn"]
    return render_template(
        "acting.html",
        now=now,
        q=q,
        found=found,
        rewards=rewards,
        available=available,
        claimable=claimable,
        form=request.form,
    ), status


@bp.route("/")
@require(policy.ensure_staff)
def index():
    """Find the resident; while acting, their points and the shop, and how long is left."""
    return _page()


@bp.route("/start", methods=["POST"])
@require(policy.ensure_staff)
def start():
    raw = request.form.get("resident_id", "")
    try:
        begun = acting.start(
            db.session,
            current_user,
            int(raw) if raw.isdigit() else 0,
            present=bool(request.form.get("present")),
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        flash(error.message, "error")
        return _page(status_for(error))
    session[KEY] = begun.id
    return redirect(url_for(".index"))


@bp.route("/redeem", methods=["POST"])
@require(policy.ensure_staff)
def redeem():
    raw = request.form.get("reward_id", "")
    try:
        asked = acting.redeem_for(
            db.session,
            current_user,
            session.get(KEY),
            reward_id=int(raw) if raw.isdigit() else 0,
            quantity=request.form.get("quantity", "1"),
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        db.session.rollback()
        flash(error.message, "error")
        return _page(status_for(error))
    flash(
        translate("已为村民申请兑换，%(points)s 分已冻结，待村里审核。", points=asked.points),
        "success",
    )
    return redirect(url_for(".index"))


@bp.route("/claim", methods=["POST"])
@require(policy.ensure_staff)
def claim():
    """申报 for the resident present: the claim is theirs, the log says who typed it."""
    from points.cases import photos

    form = request.form
    try:
        photo = None
        upload = request.files.get("photo")
        if upload is not None and upload.filename:
            photo = photos.store_photo(current_app.instance_path, upload.read(photos.MAX_BYTES + 1))
        acting.claim_for(
            db.session,
            current_user,
            session.get(KEY),
            rule_code=form.get("rule_code"),
            title=form.get("title"),
            description=form.get("description"),
            units=form.get("units") or None,
            photo=photo,
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        db.session.rollback()
        flash(error.message, "error")
        return _page(status_for(error))
    flash(translate("已为村民提交申报，等待审核。"), "success")
    return redirect(url_for(".index"))


@bp.route("/end", methods=["POST"])
@require(policy.ensure_staff)
def end():
    acting.end(db.session, current_user, "done")
    session.pop(KEY, None)
    flash(translate("代办已结束。"), "success")
    return redirect(url_for(".index"))


@user_logged_out.connect
def _end_on_logout(_app, user=None, **_extra) -> None:
    """Logging out ends any 代办 session of the worker."""
    if user is not None and getattr(user, "is_staff", False) and session.pop(KEY, None):
        acting.end(db.session, user, "logout")
