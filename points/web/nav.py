"""The navigation bar: each feature adds its own links, shown by who is looking."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_login import current_user

from points.errors import N_
from points.i18n import translate


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str  # Chinese msgid
    audience: str  # public | user | staff | admin
    order: int = 50


_LINKS: list[Link] = [
    Link("public.home", N_("首页"), "public", 0),
    Link("auth.my_points", N_("我的积分"), "user", 10),
]


def add(endpoint: str, label: str, audience: str = "public", order: int = 50) -> None:
    """Show a link in the navigation bar to this audience (idempotent)."""
    link = Link(endpoint, label, audience, order)
    if link not in _LINKS:
        _LINKS.append(link)


def _visible(link: Link) -> bool:
    if link.endpoint not in current_app.view_functions:
        return False
    if link.audience == "public":
        return True
    if not current_user.is_authenticated:
        return False
    if link.audience == "staff":
        return current_user.is_staff
    if link.audience == "admin":
        return current_user.is_admin
    return True


KIND_LABELS = {
    "award": N_("活动奖励"),
    "redeem": N_("兑换"),
    "adjust": N_("加减分"),
    "reverse": N_("冲正"),
    "expire": N_("过期"),
}
STATUS_LABELS = {"posted": N_("已入账"), "pending": N_("冻结中"), "voided": N_("已退回")}


# Pages that show the admin section's tab bar (admin/_tabs.html) instead of more top-bar links.
ADMIN_AREA_BLUEPRINTS = {
    "admin_dashboard",
    "admin_towns",
    "admin_residents",
    "admin_points",
    "admin_reports",
    "admin_audit",
    "shop_admin",
}
STAFF_EVENT_PAGES = {
    "rules.publish",
    "events.manage",
    "events.new",
    "events.edit",
    "events.categories",
    "events.show",
    "events.manual",
    "events.scan",
}


def show_admin_tabs() -> bool:
    if not (current_user.is_authenticated and current_user.is_staff):
        return False
    return request.blueprint in ADMIN_AREA_BLUEPRINTS or request.endpoint in STAFF_EVENT_PAGES


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation() -> dict:
        def nav_links() -> list[tuple[str, str]]:
            links = sorted((link for link in _LINKS if _visible(link)), key=lambda x: x.order)
            return [(link.endpoint, translate(link.label)) for link in links]

        return {
            "nav_links": nav_links,
            "show_admin_tabs": show_admin_tabs,
            "kind_label": lambda kind: translate(KIND_LABELS.get(kind, kind)),
            "status_label": lambda status: translate(STATUS_LABELS.get(status, status)),
        }
