"""Hazard reports (隐患随手拍) and disputes (矛盾纠纷): the resident's report and "my reports",
the grid worker's queue of their grids, the admin's overdue list, and the cases' photos."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from points import policy, rules
from points.cases import deadlines, disputes, hazards, machine, photos
from points.clock import utcnow
from points.errors import N_, REFUSALS, DomainError, Msgid
from points.extensions import db
from points.i18n import translate
from points.models import Case, Grid, Role, User
from points.places import grids as village_grids
from points.web import nav
from points.web.edge.errors import status_for

bp = Blueprint("hazards", __name__)

nav.add("hazards.mine", N_("随手拍"), "user", 37)
nav.add("hazards.queue", N_("网格事件"), "staff", 63)
nav.add("hazards.overdue", N_("超期隐患"), "admin", 64)

STEPS = ("submitted", "verified", "assigned", "fixed", "closed")
DONE_MESSAGES = {
    "verify": N_("已核实，报告人的积分进入公示。"),
    "reject": N_("已不予采纳，报告人会收到原因。"),
    "duplicate": N_("已标为重复报告。"),
    "assign": N_("已交办。"),
    "fix": N_("已登记整改。"),
    "close": N_("已办结。"),
    "mediate": N_("已开始调解。"),
    "resolve": N_("已登记调解成功，调解员的积分进入公示。"),
    "fail": N_("已登记调解未成。"),
    "hand_on": N_("已移交。"),
    "follow_up": N_("已登记回访。"),
}


def _refused(error: DomainError) -> int:
    """Forbidden and not-found are their own pages; anything else is a note on the page."""
    if error.category in REFUSALS:
        raise error
    db.session.rollback()
    flash(error.message, "error")
    return status_for(error)


def _uploads(field: str = "photos") -> list[str]:
    files = [f for name in (field, "camera") for f in request.files.getlist(name) if f.filename]
    if len(files) > photos.MAX_PER_CASE:
        raise machine.BadCase(detail=Msgid(N_("请附 1 到 4 张照片")))
    datas = [f.read(photos.MAX_BYTES + 1) for f in files]
    return photos.store_photos(current_app.instance_path, datas)


# --- the resident -------------------------------------------------------------------------
@bp.route("/hazards/new", methods=["GET", "POST"], endpoint="new")
@login_required
def new_report():
    """Report a hazard from the phone: photos (camera or album), what, where, the grid."""
    status = 200
    if request.method == "POST":
        policy.ensure_may_report_hazard(current_user)  # before any photo is stored
        try:
            hazards.report(
                db.session,
                reporter=current_user,
                title=request.form.get("title"),
                description=request.form.get("description"),
                place_text=request.form.get("place_text"),
                grid_id=request.form.get("grid_id"),
                lat=request.form.get("lat") if request.form.get("share_location") else None,
                lng=request.form.get("lng") if request.form.get("share_location") else None,
                photos=_uploads(),
            )
        except DomainError as error:
            status = _refused(error)
        else:
            flash(translate("隐患已报告，网格员会尽快核实。"), "success")
            return redirect(url_for("hazards.mine"))
    grids = (
        village_grids(db.session, village_id=current_user.village_id)
        if current_user.village_id
        else []
    )
    return render_template("hazards/new.html", grids=grids, form=request.form), status


@bp.route("/hazards/mine", endpoint="mine")
@login_required
def my_reports():
    """My hazard reports: how far each has come, and the rating of a fixed one."""
    found = hazards.mine(db.session, current_user)
    now = utcnow()
    return render_template(
        "hazards/mine.html",
        items=[hazards.view(db.session, case, now=now) for case in found],
        steps=STEPS,
        labels=machine.STATUS_LABELS["hazard"],
    )


@bp.route("/hazards/<int:case_id>/rate", methods=["POST"], endpoint="rate")
@login_required
def rate(case_id: int):
    try:
        hazards.rate(
            db.session,
            actor=current_user,
            case_id=case_id,
            rating=request.form.get("rating"),
            comment=request.form.get("comment"),
        )
    except DomainError as error:
        status = _refused(error)
        return my_reports(), status
    flash(translate("谢谢您的评价。"), "success")
    return redirect(url_for("hazards.mine"))


@bp.route("/cases/<int:case_id>/photos/<int:photo_id>", endpoint="photo")
@login_required
def photo(case_id: int, photo_id: int):
    """A case's photo, for its reporter and the staff over it (disputes: staff only)."""
    picture = machine.photo_to_show(db.session, current_user, case_id, photo_id)
    path = photos.photo_path(current_app.instance_path, picture.name)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="image/webp", max_age=3600)


# --- the grid worker ------------------------------------------------------------------------
def _queue_page(status: int = 200):
    policy.ensure_staff(current_user)
    now = utcnow()
    open_hazards = hazards.queue(db.session, current_user)
    open_disputes = disputes.queue(db.session, current_user)
    people = {c.reporter_id for c in open_hazards} | {c.reporter_id for c in open_disputes}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(people))).all())
    villages = {c.village_id for c in open_hazards + open_disputes}
    workers = list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.STAFF, User.village_id.in_(villages), User.active.is_(True))
            .order_by(User.name)
        )
    )
    residents = list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.RESIDENT,
                User.village_id.in_({c.village_id for c in open_disputes}),
                User.active.is_(True),
            )
            .order_by(User.name)
            .limit(300)
        )
    )
    tiers = {}
    for case in open_disputes:
        rule = rules.rule_for(
            db.session, disputes.RULE_CODE, town_id=case.town_id, village_id=case.village_id
        )
        terms = rules.terms_on(db.session, rule.id, rules.today()) if rule else None
        tiers[case.id] = [t.name for t in terms.tiers] if terms else []
    return (
        render_template(
            "hazards/queue.html",
            hazards=[hazards.view(db.session, c, now=now) for c in open_hazards],
            disputes=[disputes.view(db.session, c) for c in open_disputes],
            names=names,
            workers=workers,
            residents=residents,
            tiers=tiers,
            labels=machine.STATUS_LABELS,
        ),
        status,
    )


@bp.route("/grid/cases", endpoint="queue")
@login_required
def queue():
    """My grids' hazards to verify, assign and fix, and their disputes."""
    return _queue_page()


def _act(case: Case, action: str):
    form = request.form
    who = dict(session=db.session, actor=current_user, case_id=case.id)
    if case.kind == "hazard":
        if action == "verify":
            return hazards.verify(**who)
        if action == "reject":
            return hazards.reject(**who, reason=form.get("reason"))
        if action == "duplicate":
            return hazards.mark_duplicate(**who, duplicate_of=form.get("duplicate_of"))
        if action == "assign":
            return hazards.assign(
                **who, assignee_id=form.get("assignee_id"), department=form.get("department")
            )
        if action == "fix":
            hazards.may_fix(db.session, current_user, case.id)
            return hazards.fix(**who, photos=_uploads(), note=form.get("note"))
        if action == "close":
            return hazards.close(**who)
    else:
        if action == "mediate":
            return disputes.mediate(**who, mediators=form.getlist("mediators"))
        if action == "resolve":
            disputes.get_for(db.session, current_user, case.id)
            mediators = form.getlist("mediators") or None
            return disputes.resolve(
                **who, photos=_uploads(), tier=form.get("tier"), mediators=mediators
            )
        if action == "fail":
            return disputes.fail(**who, reason=form.get("reason"))
        if action == "hand-on":
            return disputes.hand_on(**who, reason=form.get("reason"))
        if action == "follow-up":
            return disputes.follow_up(**who, note=form.get("note"))
    abort(404)


@bp.route("/grid/cases/<int:case_id>/<action>", methods=["POST"], endpoint="act")
@login_required
def act(case_id: int, action: str):
    case = db.session.get(Case, case_id)
    if case is None or case.kind not in ("hazard", "dispute"):
        abort(404)
    try:
        _act(case, action)
    except DomainError as error:
        return _queue_page(_refused(error))
    flash(translate(DONE_MESSAGES[action.replace("-", "_")]), "success")
    return redirect(url_for("hazards.queue"))


@bp.route("/grid/disputes/new", methods=["GET", "POST"], endpoint="new_dispute")
@login_required
def new_dispute():
    """Record a dispute found in the grid, with its parties (seen by staff only)."""
    policy.ensure_staff(current_user)
    status = 200
    if request.method == "POST":
        try:
            disputes.record(
                db.session,
                actor=current_user,
                title=request.form.get("title"),
                parties=request.form.get("parties"),
                village_id=request.form.get("village_id") or None,
                grid_id=request.form.get("grid_id"),
                description=request.form.get("description"),
                place_text=request.form.get("place_text"),
            )
        except DomainError as error:
            status = _refused(error)
        else:
            flash(translate("纠纷已登记。"), "success")
            return redirect(url_for("hazards.queue"))
    grids = list(
        db.session.scalars(
            select(Grid)
            .where(policy.within(current_user, village=Grid.village_id))
            .order_by(Grid.village_id, Grid.id)
            .limit(200)
        )
    )
    return render_template("hazards/dispute_new.html", grids=grids, form=request.form), status


# --- the admin -----------------------------------------------------------------------------
@bp.route("/admin/cases/overdue", endpoint="overdue")
@login_required
def overdue():
    """Hazards past their deadline to verify or to fix, in the admin's reach."""
    policy.ensure_may_see_overdue(current_user, policy.scope_of(current_user))
    now = utcnow()
    late = hazards.queue(db.session, current_user, overdue_at=now)
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(User.id.in_({c.reporter_id for c in late}))
        ).all()
    )
    return render_template(
        "hazards/overdue.html",
        items=[hazards.view(db.session, c, now=now) for c in late],
        names=names,
        labels=machine.STATUS_LABELS["hazard"],
        limits=deadlines,
    )
