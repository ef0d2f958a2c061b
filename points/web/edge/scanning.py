"""Flask glue the check-in API and pages share: the code's URL, QR payload, scan limits.

Rate limits count failed scans only (deduct_when) per user and per IP, shared by every
scanning endpoint, and a success never resets them (pretix PR #6219).
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from points.checkin import events, recent_checkins
from points.clock import local_time
from points.extensions import db, limiter
from points.models import Event
from points.posting import mask_name
from points.qr import qr_svg_inline
from points.web.edge.guards import failures_per_account


def base_url() -> str:
    """Where phones should go: BASE_URL, else the host this request came to."""
    configured = current_app.config.get("BASE_URL") or ""
    return (configured or request.host_url).rstrip("/")


def code_url(token: str) -> str:
    return f"{base_url()}/c/{token}"


def rotate_default() -> int:
    return int(current_app.config.get("CHECKIN_ROTATE_SECONDS", 30))


def secret() -> str:
    return current_app.config["SECRET_KEY"]


def shown_code(event: Event, mode: str | None = None) -> dict:
    """The code to show for an event now, with its URL, inline SVG and the live numbers."""
    rotate = events.rotate_seconds(db.session, event, rotate_default())
    code = events.current_code(event, secret(), rotate, mode=mode)
    url = code_url(code.token)
    return {
        "url": url,
        "token": code.token,
        "expires_in": code.expires_in,
        "rotate_seconds": code.rotate_seconds,
        "mode": mode or event.qr_mode,
        "svg": qr_svg_inline(url, box_size=8, border=4),
        "checkin_count": event.checkin_count,
        "capacity": event.capacity,
        "status": event.status,
        "recent": [
            {"name": mask_name(name), "at": local_time(at, "%H:%M")}
            for name, at in recent_checkins(db.session, event.id)
        ],
    }


# --- failed-scan limits -----------------------------------------------------------------
def _failed(response) -> bool:
    return response.status_code >= 400 and response.status_code != 429


def _per_ip() -> str:
    return current_app.config.get("CHECKIN_FAILS_PER_IP", "60 per 10 minutes")


# Per account in the database (every worker and host counts together); per IP below.
failed_scans_per_user = failures_per_account("scan", "CHECKIN_FAILS_PER_USER", "20 per 10 minutes")
failed_scans_per_ip = limiter.shared_limit(
    _per_ip, scope="checkin-fail-ip", key_func=get_remote_address, deduct_when=_failed
)
