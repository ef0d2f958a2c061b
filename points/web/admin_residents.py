"""Residents for admins: list, create, edit, suspend, import a CSV, export, print QR cards."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from points import places, policy
from points.auth import login_required, require
from points.errors import REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.models import Role
from points.people import NewPerson, create_person, importing, passwords_set, person_for, roster
from points.people.cards import card_token
from points.qr import qr_svg_inline
from points.web.admin_common import (
    chosen_place,
    chosen_village,
    picker,
    role_label,
    village_choices,
)
from points.web.edge.errors import status_for

bp = Blueprint("admin_residents", __name__, url_prefix="/admin/residents")
PER_PAGE = 50


@bp.app_context_processor
def _labels() -> dict:
    return {"role_label": role_label}


@bp.route("/")
@require(policy.ensure_admin)
def index():
    """The roster, searchable, with balances and actions."""
    place = chosen_place()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = (request.args.get("q") or "").strip()[:64]
    rows, total = roster.list_people(
        db.session,
        current_user,
        village_id=place.village_id,
        town_id=place.town_id,
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
        **picker(place),
    )


ADMIN_ABOVE_VILLAGE = (Role.TOWN_ADMIN.value, Role.CITY_ADMIN.value)


def _towns() -> list:
    """Towns a city admin may register a town admin in (others: none to pick)."""
    if current_user.role != Role.CITY_ADMIN:
        return []
    return places.towns(db.session)


def registrable_roles() -> list[str]:
    """The roles the reader may register: those below their own."""
    return [r.value for r in Role if policy.rank(r) < policy.rank(current_user.role)]


def _grid_arg(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _town_for(role: str) -> int | None:
    raw = (request.form.get("town_id") or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else current_user.town_id


@bp.route("/new", methods=["GET", "POST"])
@require(policy.ensure_admin)
def new():
    """Register a person: a resident, grid worker or admin below my role, in my scope."""
    form = request.form
    if request.method == "POST":
        role = form.get("role", Role.RESIDENT.value)
        village_id = chosen_village() if role not in ADMIN_ABOVE_VILLAGE else None
        town_id = _town_for(role) if role in ADMIN_ABOVE_VILLAGE else None
        try:
            person = create_person(
                db.session,
                NewPerson(
                    name=form.get("name", ""),
                    phone=form.get("phone", ""),
                    village_id=village_id,
                    role=role,
                    household_code=form.get("household") or None,
                    password=form.get("password") or None,
                    town_id=town_id,
                    grid_id=_grid_arg("grid_id"),
                    grid_ids=tuple(int(g) for g in form.getlist("grid_ids") if g.strip().isdigit()),
                ),
                actor=current_user,
            )
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            flash(error.message, "error")
            return render_template(
                "admin/resident_form.html",
                person=None,
                villages=village_choices(),
                roles=registrable_roles(),
                towns=_towns(),
                form=form,
            ), status_for(error)
        flash(translate("已登记：%(name)s", name=person.name), "success")
        return redirect(url_for(".edit", user_id=person.id))
    return render_template(
        "admin/resident_form.html",
        person=None,
        villages=village_choices(),
        roles=registrable_roles(),
        towns=_towns(),
        form=request.args,  # ?role=town_admin&town_id=3: the towns page's "register" link
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@require(policy.ensure_admin)
def edit(user_id: int):
    """Edit a person's details; suspend, reinstate or reissue their card."""
    person = person_for(db.session, current_user, user_id)
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
            if error.category in REFUSALS:
                raise
            flash(error.message, "error")
            return render_template(
                "admin/resident_form.html", person=person, form=form
            ), status_for(error)
        flash(translate("已保存。"), "success")
        return redirect(url_for(".edit", user_id=user_id))
    return render_template("admin/resident_form.html", person=person, form=None)


@bp.route("/<int:user_id>/suspend", methods=["POST"])
@require(policy.ensure_admin)
def suspend(user_id: int):
    person = roster.set_active(db.session, current_user, user_id, False)
    flash(translate("已停用 %(name)s 的账号，登录和积分卡都已失效。", name=person.name), "success")
    return redirect(url_for(".edit", user_id=user_id))


@bp.route("/<int:user_id>/reinstate", methods=["POST"])
@require(policy.ensure_admin)
def reinstate(user_id: int):
    person = roster.set_active(db.session, current_user, user_id, True)
    flash(translate("已恢复 %(name)s 的账号。", name=person.name), "success")
    return redirect(url_for(".edit", user_id=user_id))


@bp.route("/<int:user_id>/reissue-card", methods=["POST"])
@require(policy.ensure_admin)
def reissue(user_id: int):
    person = roster.reissue_card(db.session, current_user, user_id)
    flash(translate("已补办新卡，旧卡作废。请打印新卡。"), "success")
    return redirect(url_for(".cards", ids=person.id))


@bp.route("/<int:user_id>/password", methods=["POST"])
@require(policy.ensure_admin)
def set_password(user_id: int):
    """Set or reset a person's password; show it once, on their printable card."""
    typed = request.form.get("password") or None
    try:
        password = passwords_set.set_password(db.session, current_user, user_id, typed)
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        flash(error.message, "error")
        return redirect(url_for(".edit", user_id=user_id))
    answer = make_response(
        _card_sheets([person_for(db.session, current_user, user_id)], passwords={user_id: password})
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.route("/import", methods=["GET", "POST"])
@require(policy.ensure_admin)
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
            if error.category in REFUSALS:
                raise
            flash(error.message, "error")
            return render_template("admin/import.html", result=None), status_for(error)
        if result.ok:
            flash(translate("已导入 %(n)s 位村民。", n=result.created), "success")
        else:
            flash(translate("文件有错误，没有导入任何村民。请改正后重新上传。"), "error")
            return render_template("admin/import.html", result=result), 422
    return render_template("admin/import.html", result=result)


@bp.route("/cards")
@login_required
def cards():
    """Print-ready A4 sheets of QR cards, 8 a page (?ids=1,2,3 or a whole village).

    Whose cards the reader may print is the policy's question (a grid worker: their grids'
    people), asked by the use case, as for the API's card.svg.
    """
    ids = [int(i) for i in request.args.get("ids", "").split(",") if i.strip().isdigit()]
    village_id = chosen_village()
    people = roster.people_for_cards(db.session, current_user, village_id=village_id, ids=ids)
    return _card_sheets(people)


def _card_sheets(people: list, passwords: dict | None = None) -> str:
    secret = current_app.config["SECRET_KEY"]
    cards = [
        {
            "person": person,
            "qr": qr_svg_inline(card_token(secret, person), box_size=4, border=2),
        }
        for person in people
    ]
    sheets = [cards[i : i + 8] for i in range(0, len(cards), 8)]
    return render_template(
        "admin/cards.html", sheets=sheets, count=len(cards), passwords=passwords or {}
    )
