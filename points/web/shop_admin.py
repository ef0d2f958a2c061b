"""The points supermarket for admins: catalogue, stock, the redemption queue, hand-over."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from points import policy
from points.auth import require
from points.errors import REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.models import User
from points.models.shop import REDEMPTION_STATUSES
from points.shop import catalogue, redemption
from points.web.admin_common import village_choices
from points.web.edge.boundary import safe_next
from points.web.edge.errors import status_for
from points.web.edge.guards import voucher_guesses
from points.web.shop import shop_context

bp = Blueprint("shop_admin", __name__, url_prefix="/admin/shop")
bp.context_processor(shop_context)


def _fields_from_form(village_id: int | None) -> catalogue.RewardFields:
    form = request.form
    return catalogue.RewardFields(
        name=form.get("name"),
        description=form.get("description", ""),
        points_cost=form.get("points_cost"),
        stock=form.get("stock"),
        monthly_limit=form.get("monthly_limit"),
        village_id=village_id,
        active=form.get("active") == "on",
        sort_order=form.get("sort_order") or 0,
    )


def _uploaded_image() -> str | None:
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        return None
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    return catalogue.store_image(current_app.instance_path, upload.read(limit + 1), max_bytes=limit)


# --- catalogue -------------------------------------------------------------------------------
@bp.route("/rewards", methods=["GET", "POST"])
@require(policy.ensure_admin)
def rewards():
    """List the rewards I manage and add one (with an optional picture)."""
    status = 200
    if request.method == "POST":
        choice = request.form.get("village_id", "")
        village_id = int(choice) if choice.isdigit() else None
        try:
            fields = _fields_from_form(village_id)
            image = _uploaded_image()
            made = catalogue.create_reward(
                db.session, actor=current_user, fields=fields, image_path=image
            )
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            status = status_for(error)
        else:
            flash(translate("已添加奖品：%(name)s", name=made.name), "success")
            return redirect(url_for("shop_admin.rewards"))
    return render_template(
        "shop/admin_rewards.html",
        rewards=catalogue.managed_rewards(db.session, current_user),
        villages=village_choices(),
        form=request.form,
    ), status


@bp.route("/rewards/<int:reward_id>", methods=["GET", "POST"])
@require(policy.ensure_admin)
def edit_reward(reward_id: int):
    """Change a reward, restock it, see its stock movements."""
    reward = catalogue.reward_managed_by(db.session, current_user, reward_id)
    status = 200
    if request.method == "POST":
        try:
            if request.form.get("action") == "restock":
                catalogue.restock(
                    db.session,
                    actor=current_user,
                    reward_id=reward.id,
                    quantity=request.form.get("quantity"),
                    note=request.form.get("note", ""),
                )
                flash(translate("库存已更新。"), "success")
            else:
                fields = _fields_from_form(reward.village_id)
                image = _uploaded_image()
                catalogue.update_reward(
                    db.session,
                    actor=current_user,
                    reward_id=reward.id,
                    fields=fields,
                    image_path=image,
                )
                flash(translate("已保存。"), "success")
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            status = status_for(error)
        else:
            return redirect(url_for("shop_admin.edit_reward", reward_id=reward.id))
        reward = catalogue.get_reward(db.session, reward_id)
    return render_template(
        "shop/admin_reward.html",
        reward=reward,
        movements=catalogue.movements(db.session, actor=current_user, reward_id=reward.id),
    ), status


@bp.route("/stock")
@require(policy.ensure_admin)
def stock():
    """Stock in and out for my village (公示: restock, reserve, release, hand-over)."""
    moves = catalogue.movements(db.session, actor=current_user, limit=300)
    return render_template("shop/admin_stock.html", movements=moves)


# --- the queue -------------------------------------------------------------------------------
def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        flash(translate("日期格式不对：%(text)s", text=text), "error")
        return None


@bp.route("/queue")
@require(policy.ensure_admin)
def queue():
    """Redemptions of my village: pending first; filter by status and date."""
    return _queue_page()


def _queue_page(answer: int = 200):
    """The queue as filtered by the query string, answered with `answer` (a refused
    decision shows the queue again with its note and the API's status)."""
    status = request.args.get("status") or None
    if status not in (None, *REDEMPTION_STATUSES):
        status = None
    date_from, date_to = _date(request.args.get("from")), _date(request.args.get("to"))
    items = redemption.queue(
        db.session, actor=current_user, status=status, date_from=date_from, date_to=date_to
    )
    names = _names({item.resident_id for item in items})
    return render_template(
        "shop/admin_queue.html",
        items=items,
        names=names,
        status=status,
        statuses=REDEMPTION_STATUSES,
        date_from=request.args.get("from", ""),
        date_to=request.args.get("to", ""),
    ), answer


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _back_to_queue():
    return redirect(safe_next(request.form.get("next")) or url_for("shop_admin.queue"))


@bp.route("/queue/<int:redemption_id>/approve", methods=["POST"])
@require(policy.ensure_admin)
def approve(redemption_id: int):
    try:
        done = redemption.approve(db.session, actor=current_user, redemption_id=redemption_id)
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        db.session.rollback()
        flash(error.message, "error")
        return _queue_page(status_for(error))
    flash(
        translate("兑换单 %(id)s 已通过，兑换码 %(code)s。", id=done.id, code=done.voucher_code),
        "success",
    )
    return _back_to_queue()


@bp.route("/queue/<int:redemption_id>/reject", methods=["POST"])
@require(policy.ensure_admin)
def reject(redemption_id: int):
    try:
        done = redemption.reject(
            db.session,
            actor=current_user,
            redemption_id=redemption_id,
            reason=request.form.get("reason"),
        )
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        db.session.rollback()
        flash(error.message, "error")
        return _queue_page(status_for(error))
    flash(translate("兑换单 %(id)s 已驳回，积分已退回。", id=done.id), "success")
    return _back_to_queue()


@bp.route("/queue/bulk-approve", methods=["POST"])
@require(policy.ensure_admin)
def bulk_approve():
    """Approve every ticked request, each on its own; show what happened to each."""
    ids = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
    if not ids:
        flash(translate("请先勾选要通过的兑换单。"), "error")
        return _back_to_queue()
    outcomes = redemption.approve_many(db.session, actor=current_user, redemption_ids=ids)
    return render_template("shop/admin_bulk.html", outcomes=outcomes)


# --- hand-over -------------------------------------------------------------------------------
@bp.route("/handover", methods=["GET", "POST"])
@require(policy.ensure_admin)
@voucher_guesses
def handover():
    """Scan the resident's voucher with the camera, or type its code, to hand over the goods."""
    done, status = None, 200
    if request.method == "POST":
        code = request.form.get("code", "")
        try:
            done = redemption.fulfil_voucher(db.session, actor=current_user, code=code)
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            status = status_for(error)
        else:
            flash(
                translate(
                    "已核销：%(name)s ×%(n)s，请把奖品交给村民。",
                    name=done.reward.name,
                    n=done.quantity,
                ),
                "success",
            )
    resident = db.session.get(User, done.resident_id) if done else None
    return render_template("shop/handover.html", done=done, resident=resident), status
