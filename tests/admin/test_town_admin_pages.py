"""Does the town admin see every village's pages, in Chinese and in English?"""

from __future__ import annotations

import pytest

from points.places import settings

PAGES = [
    "/admin/",
    "/admin/residents/",
    "/admin/residents/new",
    "/admin/residents/import",
    "/admin/residents/cards",
    "/admin/adjustments",
    "/admin/checkins",
    "/admin/reports/",
    "/admin/reports/notice",
    "/admin/audit",
    "/admin/settings",
    "/admin/ledger",
]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_admin_page_opens_for_the_town_admin(client, auth, town, award_checkin, language):
    award_checkin(town.resident_a, 10)
    award_checkin(town.resident_b, 8)
    auth.login(town.town_admin)
    client.get(f"/lang/{language}")
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 200, path
    roster = client.get("/admin/residents/").get_data(as_text=True)
    assert "张三丰" in roster and "赵五" in roster  # both villages


def test_the_town_admin_sets_town_defaults_on_the_settings_page(client, auth, session, town):
    auth.login(town.town_admin)
    answer = client.post(
        "/admin/settings",
        data={
            "checkin_rotate_seconds": "20",
            "checkin_opens_before_minutes": "30",
            "checkin_closes_after_minutes": "0",
            "monthly_redemption_limit": "",
            "level_thresholds": "0,50,200,800",
            "deduction_rules": "私拉电线 -10",
        },
    )
    assert answer.status_code == 302
    assert settings.get(session, "level_thresholds", town.village_b.id) == [0, 50, 200, 800]
    assert settings.get(session, "monthly_redemption_limit", town.village_b.id) is None
    bad = client.post("/admin/settings", data={"level_thresholds": "0,500,200,800"})
    assert bad.status_code == 422
    assert settings.get(session, "level_thresholds", town_id=town.town.id) == [0, 50, 200, 800]
