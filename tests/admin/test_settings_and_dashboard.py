"""Do village settings override the town's, and does the dashboard count what happened?"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from points.admin import dashboard
from points.admin.adjustments import adjust
from points.errors import Forbidden, OutsideVillage
from points.models import AuditEntry
from points.places import settings


def test_a_village_setting_overrides_the_town_default_and_blank_restores_it(session, town):
    settings.update(session, town.town_admin, town.place, {"checkin_rotate_seconds": 20})
    a = town.village_a.id
    assert settings.get(session, "checkin_rotate_seconds", a) == 20
    settings.update(session, town.admin_a, town.place_a, {"checkin_rotate_seconds": "45"})
    assert settings.get(session, "checkin_rotate_seconds", a) == 45
    assert settings.get(session, "checkin_rotate_seconds", town.village_b.id) == 20
    settings.update(session, town.admin_a, town.place_a, {"checkin_rotate_seconds": None})
    assert settings.get(session, "checkin_rotate_seconds", a) == 20


def test_settings_changes_are_audited_with_before_and_after(session, town):
    a = town.village_a.id
    rules = [{"label": "见义勇为", "amount": 50}]
    settings.update(session, town.admin_a, town.place_a, {"deduction_rules": rules})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "settings.update"))
    assert entry.actor_id == town.admin_a.id and entry.village_id == a
    assert entry.before == {"deduction_rules": None}
    assert entry.after == {"deduction_rules": rules}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("checkin_rotate_seconds", 2),
        ("level_thresholds", [0, 300, 100, 1000]),
        ("level_thresholds", [5, 100, 300, 1000]),
        ("deduction_rules", [{"label": "私拉电线", "amount": 0}]),
        ("deduction_rules", [{"label": "", "amount": 5}]),
        ("monthly_redemption_limit", -1),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_stored(session, town, key, value):
    with pytest.raises(settings.BadSetting):
        settings.update(session, town.admin_a, town.place_a, {key: value})
    assert settings.overrides(session, town.place_a) == {}


def test_only_the_town_admin_sets_town_defaults_and_village_admins_only_their_own(session, town):
    with pytest.raises(Forbidden):
        settings.update(session, town.admin_a, town.place, {"checkin_rotate_seconds": 20})
    with pytest.raises(OutsideVillage):
        settings.update(session, town.admin_a, town.place_b, {"checkin_rotate_seconds": 20})


def test_the_settings_page_reads_rules_one_a_line(client, auth, session, town):
    auth.login(town.admin_a)
    answer = client.post(
        "/admin/settings",
        data={"deduction_rules": "见义勇为 +50\n私拉电线 −10\n", "level_thresholds": ""},
    )
    assert answer.status_code == 302
    assert settings.get(session, "deduction_rules", town.village_a.id) == [
        {"label": "见义勇为", "amount": 50},
        {"label": "私拉电线", "amount": -10},
    ]
    page = client.get(f"/admin/adjustments?resident_id={town.resident_a.id}").get_data(as_text=True)
    assert "私拉电线 -10" in page


def test_dashboard_counts_checkins_participants_and_points(session, town, award_checkin):
    now = datetime(2026, 11, 20, 4, 0)
    award_checkin(town.resident_a, 10, when=now)
    award_checkin(town.resident_a, 5, when=now, title="反诈宣传")
    award_checkin(town.resident_a2, 10, when=datetime(2026, 9, 3, 4, 0))
    award_checkin(town.resident_b, 8, when=now)
    adjust(session, actor=town.admin_a, resident_id=town.resident_a.id, amount=-3, reason="扣分")
    board = dashboard.build(session, town.place_a, now=now)
    assert board.residents == 2
    assert board.month.checkins == 2 and board.month.participants == 1
    assert board.month.participation_rate == 0.5
    assert board.year.checkins == 3 and board.year.participants == 2
    assert board.outstanding == 22
    by_month = {p.label: p for p in board.series}
    assert by_month["2026-11"].checkins == 2 and by_month["2026-09"].issued == 10
    town_board = dashboard.build(session, town.place, now=now)
    assert town_board.month.checkins == 3
    assert {v["name"]: v["points"] for v in town_board.top_villages}["马村"] == 8
