"""The red and black lists (红榜 · 黑榜), a resident's appeals against public entries naming
them, and the admins' appeal queue."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from points import policy
from points.errors import N_, REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.models import Village
from points.posting import appeals, lists
from points.posting.period import black_list_on
from points.web import nav

bp = Blueprint("lists", __name__)

nav.add("lists.show", N_("红榜"), "public", 46)
nav.add("lists.appeal", N_("名单申请"), "user", 37)
nav.add("lists.queue", N_("名单申请审核"), "admin", 63)


def _refused(error: DomainError) -> None:
    if error.category in REFUSALS:
        raise error
    flash(error.message, "error")


@bp.route("/lists", endpoint="show")
def list_page():
    """A village's red list, or its black list where the village enables one."""
    name = request.args.get("list", "red")
    if name not in lists.LISTS:
        name = "red"
    village_id = request.args.get("village_id", type=int)
    if village_id is None and current_user.is_authenticated:
        village_id = current_user.village_id
    villages = list(db.session.scalars(select(Village).order_by(Village.id)))
    if village_id is None and villages:
        village_id = villages[0].id
    rows = lists.entries(db.session, name, village_id) if village_id is not None else []
    me = current_user.id if current_user.is_authenticated else None
    return render_template(
        "lists/list.html",
        name=name,
        rows=rows,
        mine={row.entry for row in rows if row.subject_id == me},
        villages=villages,
        village_id=village_id,
        black_on=village_id is not None and black_list_on(db.session, village_id),
        labels=appeals.LIST_LABELS,
    )


@bp.route("/lists/appeal", methods=["GET", "POST"], endpoint="appeal")
@login_required
def appeal_page():
    """The entries naming me on public lists, with a form to ask for correction or removal."""
    status = 200
    if request.method == "POST":
        try:
            appeals.file(
                db.session,
                current_user,
                list_name=request.form.get("list"),
                entry=request.form.get("entry"),
                request=request.form.get("request"),
                reason=request.form.get("reason"),
            )
        except DomainError as error:
            _refused(error)
            status = 409 if error.category == "conflict" else 422
        else:
            flash(translate("申请已提交，村管理员会核实处理。"), "success")
            return redirect(url_for("lists.appeal"))
    return render_template(
        "lists/appeal.html",
        entries=lists.naming(db.session, current_user),
        appeals=appeals.mine(db.session, current_user),
        labels=appeals.LIST_LABELS,
        requests=appeals.REQUEST_LABELS,
        statuses=appeals.STATUS_LABELS,
    ), status


@bp.route("/admin/appeals", endpoint="queue")
@login_required
def queue_page():
    policy.ensure_admin(current_user)
    return render_template(
        "lists/queue.html",
        appeals=appeals.waiting(db.session, current_user),
        labels=appeals.LIST_LABELS,
        requests=appeals.REQUEST_LABELS,
    )


@bp.route(
    "/admin/appeals/<int:appeal_id>/<any(uphold, dismiss):action>",
    methods=["POST"],
    endpoint="decide",
)
@login_required
def decide(appeal_id: int, action: str):
    try:
        appeals.decide(
            db.session, current_user, appeal_id, decision=action, note=request.form.get("note")
        )
    except DomainError as error:
        _refused(error)
        if error.category == "conflict":
            return redirect(url_for("lists.queue")), 303
    else:
        flash(
            translate("已撤下这一条。") if action == "uphold" else translate("已驳回申请。"),
            "success",
        )
    return redirect(url_for("lists.queue"))
