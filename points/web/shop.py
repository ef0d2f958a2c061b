"""The points supermarket for residents: catalogue, redeem, my redemptions, notices."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from points import ledger
from points.errors import N_, REFUSALS, DomainError, UnknownAccount
from points.extensions import db
from points.i18n import translate
from points.models import Village
from points.people import notices
from points.qr import qr_svg_inline
from points.shop import catalogue, redemption
from points.web import nav
from points.web.edge.boundary import safe_next
from points.web.edge.errors import status_for
from points.web.page_town import page_town

bp = Blueprint("shop", __name__)

nav.add("shop.catalogue", N_("积分超市"), "public", 30)
nav.add("shop.mine", N_("我的兑换"), "user", 35)


def shop_context() -> dict:
    """Helpers the shop's templates share (resident and admin pages)."""
    unread = 0
    if current_user.is_authenticated:
        unread = notices.unread_count(db.session, current_user.id)
    return {
        "redemption_status": lambda status: translate(redemption.STATUS_LABELS.get(status, status)),
        "unread_notices": unread,
    }


bp.context_processor(shop_context)


def available_points() -> int | None:
    """The logged-in person's available points, or None (not logged in, no account)."""
    if not current_user.is_authenticated:
        return None
    try:
        return ledger.resident_account(db.session, current_user.id).available
    except UnknownAccount:
        return None


@bp.route("/shop", endpoint="catalogue")
def catalogue_page():
    """The catalogue; a logged-in resident sees what they can afford. Without a village of
    one's own, the shelves of the page's town (with no town picked: every town's)."""
    village_id = current_user.village_id if current_user.is_authenticated else None
    town = page_town() if village_id is None else None
    rewards = catalogue.visible_rewards(
        db.session, village_id, town_id=town.id if town is not None else None
    )
    # A visitor who is not logged in sees every village's shelf: say whose each reward is.
    village_names = dict(db.session.execute(select(Village.id, Village.name)).all())
    return render_template(
        "shop/catalogue.html",
        rewards=rewards,
        available=available_points(),
        village_names=village_names,
    )


@bp.route("/shop/rewards/<int:reward_id>", methods=["GET", "POST"])
def reward_page(reward_id: int):
    """One reward; a logged-in resident redeems it with a quantity."""
    viewer = current_user if current_user.is_authenticated else None
    reward = catalogue.get_reward_for(db.session, viewer, reward_id)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        quantity = request.form.get("quantity", "")
        try:
            made = redemption.request(
                db.session, resident=current_user, reward_id=reward.id, quantity=quantity
            )
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            return render_template(
                "shop/reward.html", reward=reward, available=available_points(), quantity=quantity
            ), status_for(error)
        flash(
            translate(
                "已提交兑换申请：%(name)s ×%(n)s，冻结 %(points)s 积分，等待村里审核。",
                name=reward.name,
                n=made.quantity,
                points=made.points,
            ),
            "success",
        )
        return redirect(url_for("shop.mine"))
    return render_template(
        "shop/reward.html", reward=reward, available=available_points(), quantity=1
    )


@bp.route("/shop/mine")
@login_required
def mine():
    """My redemptions with statuses, reasons and voucher QR codes; my notices."""
    return _mine_page()


def _mine_page(status: int = 200):
    items = redemption.mine(db.session, current_user.id)
    vouchers = {
        item.id: Markup(qr_svg_inline(item.voucher_code, box_size=8))
        for item in items
        if item.status == "approved" and item.voucher_code
    }
    return render_template(
        "shop/mine.html",
        items=items,
        vouchers=vouchers,
        notices=notices.recent(db.session, current_user.id),
        available=available_points(),
    ), status


@bp.route("/shop/mine/<int:redemption_id>/cancel", methods=["POST"])
@login_required
def cancel(redemption_id: int):
    """Withdraw my pending request."""
    try:
        done = redemption.cancel(db.session, resident=current_user, redemption_id=redemption_id)
    except DomainError as error:
        if error.category in REFUSALS:
            raise
        db.session.rollback()
        flash(error.message, "error")
        return _mine_page(status_for(error))
    flash(translate("已取消，%(points)s 积分已退回。", points=done.points), "success")
    return redirect(url_for("shop.mine"))


@bp.route("/shop/notices/read", methods=["POST"])
@login_required
def read_notices():
    """Mark all my notices read."""
    notices.mark_read(db.session, current_user.id)
    return redirect(safe_next(request.form.get("next")) or url_for("shop.mine"))


@bp.route("/shop/images/<name>")
def image(name: str):
    """A reward's stored picture (re-encoded on upload, so always WebP)."""
    return send_from_directory(
        catalogue.image_folder(current_app.instance_path), name, max_age=7 * 24 * 3600
    )
