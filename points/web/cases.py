"""Claims (申报) and the 公示 notice: the resident's pages and the staff/admin queues."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from points import policy, rules
from points.cases import claims, photos, publicity
from points.errors import N_, REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.models import User, Village
from points.web import nav
from points.web.edge.errors import status_for

bp = Blueprint("cases", __name__)

nav.add("cases.notice", N_("公示"), "public", 45)
nav.add("cases.mine", N_("我的申报"), "user", 36)
nav.add("cases.queue", N_("申报审核"), "staff", 62)


def _refused(error: DomainError):
    if error.category in REFUSALS:
        raise error
    flash(error.message, "error")


def _claimable() -> list:
    if current_user.village_id is None:
        return []
    items = rules.current_items(db.session, village_id=current_user.village_id)
    return [terms for terms in items if terms.kind == "earn"]


@bp.route("/claims/new", methods=["GET", "POST"], endpoint="new")
@login_required
def new_claim():
    """Claim a rule item done without a QR code, with an optional photo."""
    status = 200
    if request.method == "POST":
        try:
            photo = None
            upload = request.files.get("photo")
            if upload is not None and upload.filename:
                photo = photos.store_photo(
                    current_app.instance_path, upload.read(photos.MAX_BYTES + 1)
                )
            claims.submit(
                db.session,
                claimant=current_user,
                rule_code=request.form.get("rule_code"),
                title=request.form.get("title"),
                description=request.form.get("description"),
                units=request.form.get("units") or None,
                photo=photo,
            )
        except DomainError as error:
            _refused(error)
            status = status_for(error)
        else:
            flash(translate("申报已提交，等待网格员审核。"), "success")
            return redirect(url_for("cases.mine"))
    return render_template("cases/new.html", items=_claimable(), form=request.form), status


@bp.route("/claims/mine", endpoint="mine")
@login_required
def my_claims():
    found = claims.mine(db.session, current_user)
    return render_template("cases/mine.html", items=found, labels=claims.STATUS_LABELS)


@bp.route("/publicity", endpoint="notice")
def notice_page():
    """A village's public notice (公示): who is to get points for what, until when."""
    village_id = request.args.get("village_id", type=int)
    if village_id is None and current_user.is_authenticated:
        village_id = current_user.village_id
    villages = list(db.session.scalars(select(Village).order_by(Village.id)))
    if village_id is None and villages:
        village_id = villages[0].id
    rows = publicity.public_listing(db.session, village_id) if village_id is not None else []
    may_object = (
        current_user.is_authenticated
        and current_user.village_id is not None
        and current_user.village_id == village_id
    )
    return render_template(
        "cases/notice.html",
        rows=rows,
        villages=villages,
        village_id=village_id,
        may_object=may_object,
    )


@bp.route("/publicity/<int:posting_id>/object", methods=["POST"], endpoint="object")
@login_required
def object_to(posting_id: int):
    try:
        publicity.object_to(
            db.session, actor=current_user, posting_id=posting_id, reason=request.form.get("reason")
        )
    except DomainError as error:
        _refused(error)
    else:
        flash(translate("异议已提交，村管理员会核实处理。"), "success")
    return redirect(url_for("cases.notice", village_id=current_user.village_id))


@bp.route("/admin/claims", endpoint="queue")
@login_required
def queue_page():
    """Claims waiting in the grid worker's grids or the admin's reach, and open objections."""
    policy.ensure_staff(current_user)
    waiting = claims.queue(db.session, current_user)
    ids = {case.reporter_id for case in waiting}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    rule_names = {}
    for case in waiting:
        terms = rules.terms_on(db.session, case.rule_id, rules.today())
        rule_names[case.id] = terms.name if terms else ""
    objections = (
        publicity.open_objections(db.session, current_user) if policy.is_admin(current_user) else []
    )
    return render_template(
        "cases/queue.html",
        items=waiting,
        names=names,
        rule_names=rule_names,
        own_proxy={case.id for case in waiting if policy.filed_it(current_user, case.filed_by)},
        objections=objections,
    )


@bp.route("/admin/claims/<int:case_id>/<action>", methods=["POST"], endpoint="decide")
@login_required
def decide(case_id: int, action: str):
    try:
        if action == "approve":
            done = claims.approve(db.session, actor=current_user, case_id=case_id)
            flash(
                translate("已通过，%(points)s 分进入公示。", points=done.granted.points), "success"
            )
        elif action == "reject":
            claims.reject(
                db.session, actor=current_user, case_id=case_id, reason=request.form.get("reason")
            )
            flash(translate("已驳回，申报人会收到原因。"), "success")
    except DomainError as error:
        _refused(error)
    return redirect(url_for("cases.queue"))


@bp.route("/admin/objections/<int:objection_id>/<action>", methods=["POST"], endpoint="objection")
@login_required
def decide_objection(objection_id: int, action: str):
    try:
        if action == "uphold":
            publicity.uphold(
                db.session,
                actor=current_user,
                objection_id=objection_id,
                reason=request.form.get("reason"),
            )
            flash(translate("异议成立，该笔积分已撤销，申报人会收到原因。"), "success")
        elif action == "dismiss":
            publicity.dismiss(
                db.session,
                actor=current_user,
                objection_id=objection_id,
                reason=request.form.get("reason"),
            )
            flash(translate("异议不成立，公示继续。"), "success")
    except DomainError as error:
        _refused(error)
    return redirect(url_for("cases.queue"))
