"""The pages a resident's phone opens: /c/<token> → (log in) → confirm → result; my QR card.

The code is verified on the first page load and the verified scan is kept in the session for
CHECKIN_SCAN_TTL seconds, so logging in on the way does not make a 30-second code expire
(Moodle attendance #351, #639).
"""

from __future__ import annotations

import time

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
from flask_login import current_user, login_required

from points import checkin
from points.checkin import CheckinRefused
from points.checkin.events import get_event
from points.errors import N_, DomainError
from points.extensions import db
from points.i18n import translate
from points.people.cards import NoCard, card_holder, card_token
from points.qr import qr_svg_inline
from points.web import nav
from points.web.edge.errors import status_for
from points.web.edge.scanning import (
    failed_scans_per_ip,
    failed_scans_per_user,
    rotate_default,
    secret,
)

bp = Blueprint("checkin", __name__)
SCAN_KEY = "checkin_scan"

nav.add("checkin.my_card", N_("我的二维码"), "user", 12)


def _scan_ttl() -> int:
    return int(current_app.config.get("CHECKIN_SCAN_TTL", 600))


def _refused(error: DomainError, event=None, status: int | None = None):
    db.session.rollback()
    code = status or status_for(error)
    return (
        render_template(
            "checkin/result.html", outcome="refused", error=error, reason=error.code, event=event
        ),
        code,
    )


@bp.route("/c/<token>")
@failed_scans_per_user
@failed_scans_per_ip
def scan(token: str):
    """Verify the scanned code now, keep it in the session, then confirm (after logging in)."""
    scanned_at = time.time()
    try:
        event = checkin.verify_event_code(
            db.session, secret(), token, rotate_default=rotate_default(), at=scanned_at
        )
    except CheckinRefused as error:
        return _refused(error)
    session[SCAN_KEY] = {"token": token, "event_id": event.id, "at": scanned_at}
    if not current_user.is_authenticated:
        flash(translate("请先登录，登录后会回到签到页面。"), "warning")
        return redirect(url_for("auth.login", next=url_for("checkin.confirm")))
    return redirect(url_for("checkin.confirm"))


def _pending_scan() -> dict | None:
    scan = session.get(SCAN_KEY)
    if not isinstance(scan, dict) or time.time() - float(scan.get("at", 0)) > _scan_ttl():
        return None
    return scan


@bp.route("/c/confirm", methods=["GET"])
@login_required
def confirm():
    """Show the scanned event and a big confirm button."""
    scan = _pending_scan()
    if scan is None:
        return render_template("checkin/result.html", outcome="no_scan", event=None), 410
    event = get_event(db.session, scan["event_id"])
    return render_template("checkin/confirm.html", event=event)


@bp.route("/c/confirm", methods=["POST"])
@failed_scans_per_user
@failed_scans_per_ip
@login_required
def confirm_post():
    """Check in with the scan kept in the session."""
    scan = _pending_scan()
    if scan is None:
        return render_template("checkin/result.html", outcome="no_scan", event=None), 410
    expected = request.form.get("event_id", type=int)
    event = get_event(db.session, scan["event_id"])
    try:
        result = checkin.check_in_with_code(
            db.session,
            secret(),
            token=scan["token"],
            resident=current_user,
            rotate_default=rotate_default(),
            scanned_at=float(scan["at"]),
            scan_ttl=_scan_ttl(),
            expected_event_id=expected,
        )
    except CheckinRefused as error:
        session.pop(SCAN_KEY, None)
        return _refused(error, event)
    except DomainError as error:  # suspended, not found …
        session.pop(SCAN_KEY, None)
        return _refused(error, event)
    session.pop(SCAN_KEY, None)
    outcome = "already" if result.already else "awarded"
    return render_template("checkin/result.html", outcome=outcome, result=result, event=event)


@bp.route("/me/card")
@login_required
def my_card():
    """My personal QR card: staff scan it when I have no phone with me."""
    try:
        me = card_holder(db.session, current_user, current_user.id)
    except NoCard as error:  # town and city admins have no points account, so no card
        return render_template("checkin/card.html", svg=None), status_for(error)
    token = card_token(secret(), me)
    return render_template("checkin/card.html", svg=qr_svg_inline(token, box_size=8))
