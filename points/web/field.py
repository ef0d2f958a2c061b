"""The grid worker's offline app: its service worker, its manifest, a fresh CSRF token."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, send_from_directory, url_for
from flask_wtf.csrf import generate_csrf

from points.i18n import translate

bp = Blueprint("field", __name__)


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the root so that it may keep the /events/ pages."""
    answer = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    answer.headers["Cache-Control"] = "no-cache"
    answer.headers["Content-Type"] = "text/javascript; charset=utf-8"
    return answer


@bp.route("/manifest.webmanifest")
def manifest():
    """What a phone needs to install the staff pages as an app."""
    icons = [
        {
            "src": url_for("static", filename=f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    body = {
        "name": translate("平安积分 · 网格员"),
        "short_name": translate("平安积分"),
        "start_url": url_for("events.manage"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#156548",
        "icons": icons,
    }
    answer = jsonify(body)
    answer.headers["Content-Type"] = "application/manifest+json"
    return answer


@bp.route("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


@bp.route("/session/csrf")
def csrf_token_now():
    """A fresh CSRF token for an upload from a page that was opened (or kept) long ago."""
    answer = jsonify({"csrf_token": generate_csrf()})
    answer.headers["Cache-Control"] = "no-store"
    return answer
