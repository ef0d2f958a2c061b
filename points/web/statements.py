"""积分贷 pages: a household's consent and statement (admins), the bank's list, and the
public page behind a statement's QR code that checks it against the ledger."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from points import policy
from points.admin.reports import CONTENT_TYPES, render
from points.auth import require
from points.errors import N_, REFUSALS, DomainError, Msgid, NotFound
from points.extensions import db
from points.households import items, score
from points.i18n import translate
from points.places import settings
from points.statements import bank, issue, pdf
from points.web.admin_common import chosen_place
from points.web.edge.scanning import base_url

bp = Blueprint("statements", __name__)


def statement_url(token: str) -> str:
    return f"{base_url()}/statements/{token}"


@bp.route("/admin/households/<int:household_id>", endpoint="household")
@bp.route("/households/<int:household_id>", endpoint="household_page")
@login_required
def household(household_id: int):
    """A household's score and stars (its members, admins over it); consent and the
    statement for admins."""
    shown = score.view(
        db.session, current_user, household_id, year=request.args.get("year", type=int)
    )
    place = issue.place_of(db.session, household_id)
    handles = policy.is_admin(current_user) and policy.covers(current_user, place)
    return render_template(
        "admin/household.html",
        household=shown,
        handles=handles,
        consent=handles and issue.has_consent(db.session, household_id),
        household_rules=items.household_rules(db.session, place.town_id, place.village_id)
        if handles
        else [],
    )


@bp.route("/admin/households/<int:household_id>/items", methods=["POST"], endpoint="item")
@require(policy.ensure_admin)
def household_item(household_id: int):
    """Record a household item of the rule book (its points count in the score only)."""
    try:
        done = items.record(
            db.session,
            current_user,
            household_id,
            rule_code=request.form.get("rule_code", ""),
            tier=request.form.get("tier") or None,
            memo=request.form.get("memo", ""),
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        flash(error.message, "error")
    else:
        flash(translate("已记入家庭积分：%(points)s 分。", points=done.points), "success")
    return redirect(url_for(".household", household_id=household_id))


@bp.route("/me/household")
@login_required
def my_household():
    if current_user.household_id is None:
        raise NotFound(what=Msgid(N_("您的家庭")))
    return redirect(url_for(".household_page", household_id=current_user.household_id))


@bp.route("/admin/households/<int:household_id>/consent", methods=["POST"])
@require(policy.ensure_admin)
def consent(household_id: int):
    given = request.form.get("given", "1") == "1"
    issue.record_consent(
        db.session, current_user, household_id, note=request.form.get("note", ""), given=given
    )
    flash(translate("已登记同意。") if given else translate("已撤回同意。"), "success")
    return redirect(url_for(".household", household_id=household_id))


@bp.route("/admin/households/<int:household_id>/statement.pdf")
@require(policy.ensure_admin)
def statement_pdf(household_id: int):
    """Issue the household's statement now and send it as a PDF."""
    year = request.args.get("year", type=int)
    issued = issue.issue(db.session, current_user, household_id, year=year)
    place = issue.place_of(db.session, household_id)
    name = settings.get(db.session, "scheme_name", place.village_id)
    body = pdf.render(issued.figures, statement_url(issued.token), scheme_name=name)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="statement-{issued.figures["household"]}.pdf"'
        },
    )


@bp.route("/admin/households/bank.<fmt>")
@require(policy.ensure_admin)
def bank_list(fmt: str):
    """The bank's list of consenting households of the chosen village or town."""
    if fmt not in CONTENT_TYPES:
        raise NotFound(what=Msgid(N_("报表")))
    report = bank.bank_report(
        db.session, current_user, chosen_place(), year=request.args.get("year", type=int)
    )
    return Response(
        render(report, fmt),
        mimetype=CONTENT_TYPES[fmt].split(";")[0],
        headers={"Content-Disposition": f'attachment; filename="bank.{fmt}"'},
    )


@bp.route("/statements/<token>")
def verify(token: str):
    """Public: recompute the statement from the ledger and say whether it agrees."""
    checked = issue.check(db.session, token)
    return render_template("statement_check.html", checked=checked)
