"""Pages anyone can open: home, language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from points import ledger
from points.extensions import db
from points.i18n import LANGUAGES
from points.models import User, Village
from points.web.edge.boundary import safe_next

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    """Show what the scheme is, its numbers and the ledger's head hash."""
    count, head_hash = ledger.head(db.session)
    villages = db.session.scalar(select(func.count()).select_from(Village))
    residents = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "resident")
    )
    return render_template(
        "home.html", transfers=count, head_hash=head_hash, villages=villages, residents=residents
    )


@bp.route("/lang/<code>")
def switch_language(code: str):
    """Switch the pages to another language and go back where the reader was."""
    if code in LANGUAGES:
        session["lang"] = code
    target = safe_next(request.args.get("next")) or safe_next(_same_site(request.referrer))
    return redirect(target or url_for("public.home"))


def _same_site(referrer: str | None) -> str | None:
    """The path of a referrer on this site (a browser sends the full URL)."""
    if not referrer or not referrer.startswith(request.host_url):
        return None
    return "/" + referrer[len(request.host_url) :]


@bp.route("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"ok": True}
