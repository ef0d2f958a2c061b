"""Every page each role opens, for the tests that walk them all (phone layout, English).

A new page gets one line here, under each role that opens it. Paths may name `{event}`,
`{reward}`, `{resident}` (village A's), filled from the world the walk builds.
"""

from __future__ import annotations

PAGES: dict[str, list[str]] = {
    "public": [
        "/",
        "/login",
        "/events",
        "/events/{event}",
        "/leaderboard",
        "/ledger",
        "/rules",
        "/shop",
        "/shop/rewards/{reward}",
        "/lists",
    ],
    "resident": [
        "/me",
        "/me/card",
        "/events",
        "/shop",
        "/shop/rewards/{reward}",
        "/shop/mine",
        "/leaderboard",
        "/hazards/new",
        "/hazards/mine",
        "/lists/appeal",
    ],
    "staff": [
        "/events/manage",
        "/events/{event}",
        "/events/{event}/scan",
        "/events/{event}/manual?q=张",
        "/act/?q=张",
        "/visits/",
        "/admin/",
        "/me",
        "/grid/cases",
        "/grid/disputes/new",
    ],
    "admin": [
        "/admin/",
        "/admin/shop/queue",
        "/admin/shop/handover",
        "/admin/shop/rewards",
        "/admin/shop/rewards/{reward}",
        "/admin/shop/stock",
        "/admin/residents/",
        "/admin/residents/{resident}",
        "/admin/residents/new",
        "/admin/adjustments",
        "/admin/adjustments?resident_id={resident}",
        "/admin/checkins",
        "/admin/reports",
        "/admin/audit",
        "/admin/settings",
        "/admin/rules",
        "/visits/",
        "/admin/appeals",
        "/admin/reports/year",
        "/events/manage",
        "/events/new",
        "/events/{event}",
        "/grid/cases",
        "/admin/cases/overdue",
    ],
}


def pages_of(role: str, **ids: int) -> list[str]:
    return [path.format(**ids) for path in PAGES[role]]
