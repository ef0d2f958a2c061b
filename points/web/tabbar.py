"""The phone's bottom tab bar: four places each role goes to every day.

Residents: my points (with unread notices), events, the shop, my card. Grid workers: their
events, home visits (家访), 代办 (acting for a resident), the dashboard. Admins: the dashboard, the
redemption queue, residents, events. Everyone else: home, events, the leaderboard, log in.
"""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_login import current_user

from points.errors import N_
from points.i18n import translate

TABS: dict[str, list[tuple[str, str, str]]] = {  # role → (endpoint, label msgid, icon)
    "public": [
        ("public.home", N_("首页"), "🏠"),
        ("events.upcoming", N_("活动"), "📅"),
        ("board.leaderboard", N_("排行榜"), "🏆"),
        ("auth.login", N_("登录"), "👤"),
    ],
    "resident": [
        ("auth.my_points", N_("我的积分"), "⭐"),
        ("events.upcoming", N_("活动"), "📅"),
        ("shop.catalogue", N_("积分超市"), "🛒"),
        ("checkin.my_card", N_("我的二维码"), "🔳"),
    ],
    "staff": [
        ("events.manage", N_("我的活动"), "📅"),
        ("visits.index", N_("家访"), "🏡"),
        ("acting.index", N_("代办"), "🤝"),
        ("admin_dashboard.index", N_("管理台"), "📊"),
    ],
    "admin": [
        ("admin_dashboard.index", N_("管理台"), "📊"),
        ("shop_admin.queue", N_("兑换审核"), "✅"),
        ("admin_residents.index", N_("村民"), "👥"),
        ("events.manage", N_("活动管理"), "📅"),
    ],
}


def role_tabs() -> str:
    if not current_user.is_authenticated:
        return "public"
    if current_user.is_admin:
        return "admin"
    return "staff" if current_user.is_staff else "resident"


def landing_for(user) -> str:
    """Where a person lands after logging in: their first tab."""
    if user.is_admin:
        return url_for("admin_dashboard.index")
    if user.is_staff:
        return url_for("events.manage")
    return url_for("auth.my_points")


def init_app(app: Flask) -> None:
    @app.context_processor
    def tab_bar() -> dict:
        def tab_items() -> list[dict]:
            items = []
            for endpoint, label, icon in TABS[role_tabs()]:
                if endpoint not in app.view_functions:
                    continue
                items.append(
                    {
                        "url": url_for(endpoint),
                        "label": translate(label),
                        "icon": icon,
                        "current": request.endpoint == endpoint,
                        "badge_me": endpoint == "auth.my_points",
                    }
                )
            return items

        def unread_count() -> int:
            if not current_user.is_authenticated:
                return 0
            from points.extensions import db
            from points.people import notices

            return notices.unread_count(db.session, current_user.id)

        return {"tab_items": tab_items, "unread_count": unread_count}
