"""Awards and deductions (扣分) by rule or typed, and reversing mistaken check-ins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from points import policy
from points.admin import adjustments, audit_words
from points.admin import audit as audit_log
from points.auth import require
from points.errors import N_, REFUSALS, DomainError, Msgid, NotFound
from points.extensions import db
from points.i18n import translate
from points.models import Account, Transfer, User
from points.people import person_for
from points.people.search import search_people
from points.web.admin_common import chosen_village, form_int
from points.web.edge.errors import status_for

bp = Blueprint("admin_points", __name__, url_prefix="/admin")
CHECKINS_PER_PAGE = 30


def _page(resident: User | None, status: int = 200, choices: list | None = None):
    village_id = resident.village_id if resident else chosen_village()
    recent = audit_log.search(
        db.session,
        current_user,
        audit_log.AuditFilter(village_id=village_id, action="points.adjust"),
        limit=15,
    )
    return render_template(
        "admin/adjust.html",
        resident=resident,
        choices=choices or [],
        rules=adjustments.rules_for(db.session, village_id) if village_id else [],
        recent=audit_words.lines(db.session, recent.rows),
        form=request.form,
    ), status


@bp.route("/adjustments", methods=["GET", "POST"])
@require(policy.ensure_admin)
def adjust():
    """Pick a resident, then a rule (见义勇为 +50, 私拉电线 −10 …) or an amount and reason."""
    resident = None
    raw_id = (request.values.get("resident_id") or "").strip()
    picked = int(raw_id) if raw_id.isdigit() else None  # our own links, never typed text
    wanted = (request.values.get("resident") or "").strip()
    if picked is not None:
        resident = person_for(db.session, current_user, picked)
    elif wanted:
        found = search_people(db.session, current_user, wanted)
        if not found:
            flash(NotFound(what=Msgid(N_("符合条件的村民"))).message, "error")
            return _page(None, 404)
        if len(found) > 1:
            return _page(None, choices=found)
        resident = found[0]
    if request.method == "GET" or resident is None:
        return _page(resident)
    form = request.form
    try:
        if form.get("rule"):
            moved = adjustments.adjust_by_rule(
                db.session,
                actor=current_user,
                resident_id=resident.id,
                rule=form["rule"],
                note=form.get("reason", ""),
            )
        else:
            amount = form_int("amount")
            moved = adjustments.adjust(
                db.session,
                actor=current_user,
                resident_id=resident.id,
                amount=amount if amount is not None else 0,
                reason=form.get("reason", ""),
            )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        flash(error.message, "error")
        return _page(resident, status_for(error))
    flash(
        translate(
            "已为 %(name)s 记 %(amount)s 分：%(reason)s",
            name=resident.name,
            amount=f"{signed_amount(moved):+d}",
            reason=moved.memo,
        ),
        "success",
    )
    return redirect(url_for(".adjust", resident_id=resident.id))


def signed_amount(moved: Transfer) -> int:
    """The amount as the resident sees it: + for an award, − for a deduction."""
    credit = db.session.get(Account, moved.credit_account_id)
    return moved.amount if credit.kind == "resident" else -moved.amount


@bp.route("/checkins")
@require(policy.ensure_admin)
def checkins():
    """Recent check-ins (one resident's, or the village's), each reversible once."""
    return _checkins_page(request.args.get("resident_id", type=int))


def _checkins_page(resident_id: int | None, status: int = 200):
    resident = person_for(db.session, current_user, resident_id) if resident_id else None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    q = (request.args.get("q") or "").strip()[:64]
    rows = adjustments.checkins_to_review(
        db.session,
        current_user,
        resident_id=resident_id,
        village_id=None if resident_id else chosen_village(),
        limit=CHECKINS_PER_PAGE + 1,
        offset=(page - 1) * CHECKINS_PER_PAGE,
        text=q,
    )
    more = len(rows) > CHECKINS_PER_PAGE
    rows = rows[:CHECKINS_PER_PAGE]
    reversed_ids = adjustments.reversed_checkin_ids(db.session, [c.id for c, _t, _n in rows])
    return render_template(
        "admin/checkins.html",
        rows=rows,
        reversed_ids=reversed_ids,
        resident=resident,
        q=q,
        page=page,
        more=more,
    ), status


@bp.route("/checkins/<int:checkin_id>/reverse", methods=["POST"])
@require(policy.ensure_admin)
def reverse(checkin_id: int):
    """Take back a mistaken check-in's points (a compensating transfer)."""
    back = url_for(".checkins", resident_id=request.form.get("resident_id") or None)
    try:
        adjustments.reverse_checkin(
            db.session,
            actor=current_user,
            checkin_id=checkin_id,
            reason=request.form.get("reason") or translate("签到有误，撤销"),
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        flash(error.message, "error")
        return _checkins_page(request.form.get("resident_id", type=int), status_for(error))
    flash(translate("已撤销这次签到的积分。"), "success")
    return redirect(back)
