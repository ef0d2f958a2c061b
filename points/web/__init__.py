"""Server-rendered pages: public, resident, staff and admin; thin over the domain."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from points.board.leaderboard import mask_name
from points.clock import local_time

# Each module here exposes `bp`; a feature adds its module to this list.
BLUEPRINT_MODULES = [
    "points.web.public",
    "points.web.account",
    "points.web.shop",
    "points.web.shop_admin",
    "points.web.admin_dashboard",
    "points.web.admin_towns",
    "points.web.admin_residents",
    "points.web.admin_lockouts",
    "points.web.admin_points",
    "points.web.admin_reports",
    "points.web.admin_audit",
    "points.web.admin_calendar",
    "points.web.events",
    "points.web.checkin",
    "points.web.board",
    "points.web.rules",
    "points.web.field",
    "points.web.acting",
    "points.web.cases",
    "points.web.hazards",
    "points.web.statements",
    "points.web.visits",
    "points.web.lists",
    "points.web.year_report",
]


def init_app(app: Flask) -> None:
    from points.web import nav, page_town, tabbar, words

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(name).bp)
    nav.init_app(app)
    tabbar.init_app(app)
    words.init_app(app)
    page_town.init_app(app)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["mask_name"] = mask_name
