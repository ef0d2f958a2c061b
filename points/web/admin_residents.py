"""Residents for admins: list, create, edit, suspend, import a CSV, export, print QR cards."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from points.auth import ADMINS, ensure_village, require_role
from points.errors import N_, DomainError, Forbidden
from points.extensions import db
from points.i18n import translate
from points.models import Role
from points.people import NewPerson, create_person, get_person, importing, roster
from points.people.cards import card_token
from points.qr import qr_svg_inline
from points.web.admin_common import chosen_village, role_label, village_choices

bp = Blueprint("admin_residents", __name__, url_prefix="/admin/residents")
PER_PAGE = 50


@bp.app_context_processor
def _labels() -> dict:
    return {"role_label": role_label}


@bp.route("/")
@require_role(*ADMINS)
def index():
    """The roster, searchable, with balances and actions."""
    village_id = chosen_village()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = (request.args.get("q") or "").strip()[:64]
    rows, total = roster.list_people(
        db.session,
        current_user,
        village_id=village_id,
        query=query or None,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    return render_template(
        "admin/residents.html",
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        q=query,
        villages=village_choices(),
        village_id=village_id,
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(*ADMINS)
def new():
    """Register one resident (or grid worker)."""
    form = request.form
    if request.method == "POST":
        village_id = chosen_village()
        role = form.get("role", Role.RESIDENT.value)
        if role not in (Role.RESIDENT.value, Role.STAFF.value):
            raise Forbidden()
        try:
            if village_id is None:
                raise DomainError(N_("请选择所属村。"))
            ensure_village(current_user, village_id)
            person = create_person(
                db.session,
                NewPerson(
                    name=form.get("name", ""),
                    phone=form.get("phone", ""),
                    village_id=village_id,
                    role=role,
                    household_code=form.get("household") or None,
                    password=form.get("password") or None,
                ),
                actor_id=current_user.id,
            )
        except DomainError as error:
            if error.category == "forbidden":
                raise
            flash(error.message, "error")
            return render_template(
                "admin/resident_form.html", person=None, villages=village_choices(), form=form
            ), 422
        flash(translate("已登记：%(name)s", name=person.name), "success")
        return redirect(url_for(".edit", user_id=person.id))
    return render_template(
        "admin/resident_form.html", person=None, villages=village_choices(), form=form
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@require_role(*ADMINS)
def edit(user_id: int):
    """Edit a person's details; suspend, reinstate or reissue their card."""
    person = get_person(db.session, user_id)
    ensure_village(current_user, person.village_id)
    if request.method == "POST":
        form = request.form
        try:
            roster.edit_person(
                db.session,
                current_user,
                user_id,
                name=form.get("name"),
                phone=form.get("phone"),
                household_code=form.get("household", ""),
                leaderboard_opt_out=bool(form.get("leaderboard_opt_out")),
            )
        except DomainError as error:
            if error.category == "forbidden":
                raise
            flash(error.message, "error")
            return render_template("admin/resident_form.html", person=person, form=form), 422
        flash(translate("已保存。"), "success")
        return redirect(url_for(".edit", user_id=user_id))
    return render_template("admin/resident_form.html", person=person, form=None)


@bp.route("/<int:user_id>/suspend", methods=["POST"])
@require_role(*ADMINS)
def suspend(user_id: int):
    person = roster.set_active(db.session, current_user, user_id, False)
    flash(translate("已停用 %(name)s 的账号，登录和积分卡都已失效。", name=person.name), "success")
    return redirect(url_for(".edit", user_id=user_id))


@bp.route("/<int:user_id>/reinstate", methods=["POST"])
@require_role(*ADMINS)
def reinstate(user_id: int):
    person = roster.set_active(db.session, current_user, user_id, True)
    flash(translate("已恢复 %(name)s 的账号。", name=person.name), "success")
    return redirect(url_for(".edit", user_id=user_id))


@bp.route("/<int:user_id>/reissue-card", methods=["POST"])
@require_role(*ADMINS)
def reissue(user_id: int):
    person = roster.reissue_card(db.session, current_user, user_id)
    flash(translate("已补办新卡，旧卡作废。请打印新卡。"), "success")
    return redirect(url_for(".cards", ids=person.id))


@bp.route("/import", methods=["GET", "POST"])
@require_role(*ADMINS)
def import_csv():
    """Upload a CSV from Excel or WPS: every row is checked, then all are added or none."""
    result = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(translate("请选择要导入的 CSV 文件。"), "error")
            return render_template("admin/import.html", result=None), 422
        try:
            result = importing.import_residents(db.session, current_user, upload.read())
        except DomainError as error:
            flash(error.message, "error")
            return render_template("admin/import.html", result=None), 422
        if result.ok:
            flash(translate("已导入 %(n)s 位村民。", n=result.created), "success")
        else:
            flash(translate("文件有错误，没有导入任何村民。请改正后重新上传。"), "error")
            return render_template("admin/import.html", result=result), 422
    return render_template("admin/import.html", result=result)


@bp.route("/cards")
@require_role(*ADMINS)
def cards():
    """Print-ready A4 sheets of QR cards, 8 a page (?ids=1,2,3 or a whole village)."""
    ids = [int(i) for i in request.args.get("ids", "").split(",") if i.strip().isdigit()]
    village_id = chosen_village()
    people = roster.people_for_cards(db.session, current_user, village_id=village_id, ids=ids)
    secret = current_app.config["SECRET_KEY"]
    cards = [
        {
            "person": person,
            "qr": qr_svg_inline(card_token(secret, person), box_size=4, border=2),
        }
        for person in people
    ]
    sheets = [cards[i : i + 8] for i in range(0, len(cards), 8)]
    return render_template("admin/cards.html", sheets=sheets, count=len(cards))
