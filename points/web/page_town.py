"""Which town a page is about, so every page shows that town's scheme and points by name.

The town of a page is the logged-in person's own; a city admin or a visitor picks one
(?town=<code>, remembered in the session); with one town in the deployment, it is that town.
"""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from points import places
from points.errors import NotFound
from points.extensions import db
from points.i18n import translate
from points.models import Town

SESSION_KEY = "page_town"


def _picked(database: Session) -> Town | None:
    """The town the reader picked: ?town=<code> (then remembered), else the remembered one."""
    if "town" in request.args and not request.args["town"].strip():
        session.pop(SESSION_KEY, None)  # ?town= (empty): the whole city again
        return None
    asked = (request.args.get("town") or "").strip()[:32]
    for code in (asked, session.get(SESSION_KEY)):
        if not code:
            continue
        try:
            town = places.town_by_code(database, code)
        except NotFound:
            session.pop(SESSION_KEY, None)
            continue
        if session.get(SESSION_KEY) != town.code:
            session[SESSION_KEY] = town.code
        return town
    return None


def page_town() -> Town | None:
    """The town this page is about, or None (several towns, none picked: the whole city)."""
    if "page_town" not in g:
        if current_user.is_authenticated and current_user.town_id is not None:
            g.page_town = db.session.get(Town, current_user.town_id)
        else:
            g.page_town = places.only_town(db.session) or _picked(db.session)
    return g.page_town


def may_pick_town() -> bool:
    """Whether the reader picks the town (a visitor or a city admin; others have their own)."""
    return not (current_user.is_authenticated and current_user.town_id is not None)


def page_scheme() -> places.Scheme:
    """The names of the page's town's scheme (the city's defaults when no town)."""
    if "page_scheme" not in g:
        try:
            g.page_scheme = places.scheme_of(db.session, page_town())
        except SQLAlchemyError:
            # The error page for a database that is down still renders, with the plain names.
            db.session.rollback()
            g.page_scheme = places.BUILT_IN
    return g.page_scheme


def init_app(app: Flask) -> None:
    @app.context_processor
    def town_of_the_page() -> dict:
        """`scheme` (town, names), `scheme_name` and `points_unit` as the reader reads them
        (the built-in names translated), `town_choices()` for the top bar's picker."""
        scheme = page_scheme()
        return {
            "scheme": scheme,
            "scheme_name": translate(scheme.name) if scheme.default_name else scheme.name,
            "points_unit": (
                translate(scheme.points_name) if scheme.default_points_name else scheme.points_name
            ),
            "town_choices": lambda: places.towns(db.session) if may_pick_town() else [],
        }
