"""Can admins award and deduct by the village's rules, and reverse a mistaken check-in?"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from points import ledger
from points.admin.adjustments import (
    AlreadyReversed,
    UnknownRule,
    adjust,
    adjust_by_rule,
    reverse_checkin,
)
from points.board.standing import lifetime_points
from points.db import write_transaction
from points.errors import InsufficientPoints, OutsideVillage, SelfAdjustment
from points.models import AuditEntry, Transfer
from points.places import settings

RULES = [{"label": "见义勇为", "amount": 50}, {"label": "私拉电线", "amount": -10}]


def available(session, user) -> int:
    session.expire_all()
    return ledger.resident_account(session, user.id).available


def transfers(session) -> int:
    return session.scalar(select(func.count()).select_from(Transfer))


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def rules(session, town):
    with write_transaction(session):
        settings.put(session, "deduction_rules", RULES, town.place_a)


def test_a_rule_awards_its_points_with_its_label_as_the_reason(session, town, rules):
    moved = adjust_by_rule(
        session,
        actor=town.admin_a,
        resident_id=town.resident_a.id,
        rule="见义勇为",
        note="救落水儿童",
    )
    assert moved.memo == "见义勇为：救落水儿童"
    assert available(session, town.resident_a) == 50


def test_a_deduction_rule_takes_points_away(session, town, rules, award_checkin):
    award_checkin(town.resident_a, 30)
    adjust_by_rule(session, actor=town.admin_a, resident_id=town.resident_a.id, rule="私拉电线")
    assert available(session, town.resident_a) == 20


def test_another_villages_rules_do_not_apply(session, town, rules):
    with pytest.raises(UnknownRule):
        adjust_by_rule(session, actor=town.admin_b, resident_id=town.resident_b.id, rule="见义勇为")


def test_a_deduction_cannot_make_available_points_negative(session, town, rules, award_checkin):
    award_checkin(town.resident_a, 5)
    count = transfers(session)
    audit_count = len(audit_actions(session))
    with pytest.raises(InsufficientPoints) as refused:
        adjust_by_rule(session, actor=town.admin_a, resident_id=town.resident_a.id, rule="私拉电线")
    assert "可用积分不足" in refused.value.message
    assert available(session, town.resident_a) == 5
    assert transfers(session) == count
    assert len(audit_actions(session)) == audit_count


def test_the_api_answers_an_overdraft_with_409_and_a_clear_message(client, auth, town):
    answer = client.post(
        "/api/v1/adjustments",
        json={"resident_id": town.resident_a.id, "amount": -10, "reason": "私拉电线"},
        headers=auth.headers(town.admin_a),
    )
    assert answer.status_code == 409
    assert answer.get_json()["reason"] == "insufficient_points"
    assert "可用积分不足" in answer.get_json()["message"]


def test_the_api_applies_a_rule_by_name(client, auth, session, town, rules, award_checkin):
    award_checkin(town.resident_a, 30)
    answer = client.post(
        "/api/v1/adjustments",
        json={"resident_id": town.resident_a.id, "rule": "私拉电线"},
        headers=auth.headers(town.admin_a),
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["amount"] == -10
    assert answer.get_json()["available"] == 20


def test_nobody_adjusts_their_own_account(session, town):
    with pytest.raises(SelfAdjustment):
        adjust(session, actor=town.admin_a, resident_id=town.admin_a.id, amount=5, reason="自己")


def test_a_reversal_nets_the_checkin_to_zero_and_is_audited(session, town, award_checkin):
    checkin = award_checkin(town.resident_a, 10)
    assert lifetime_points(session, town.resident_a.id) == 10
    moved = reverse_checkin(session, actor=town.admin_a, checkin_id=checkin.id, reason="签错了人")
    assert moved.kind == "reverse" and moved.reference == f"reverse:{checkin.transfer_id}"
    assert available(session, town.resident_a) == 0
    assert lifetime_points(session, town.resident_a.id) == 0  # the leaderboard forgets it too
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.reverse"))
    assert entry.actor_id == town.admin_a.id
    assert entry.before["points"] == 10 and entry.after["amount"] == -10
    assert ledger.verify(session).ok


def test_a_checkin_is_reversed_only_once(session, town, award_checkin):
    checkin = award_checkin(town.resident_a, 10)
    award_checkin(town.resident_a, 10, title="反诈宣传")
    reverse_checkin(session, actor=town.admin_a, checkin_id=checkin.id, reason="签错了人")
    count = transfers(session)
    with pytest.raises(AlreadyReversed):
        reverse_checkin(session, actor=town.town_admin, checkin_id=checkin.id, reason="再来一次")
    assert transfers(session) == count
    assert available(session, town.resident_a) == 10


def test_a_reversal_is_refused_when_the_points_are_already_spent(session, town, award_checkin):
    checkin = award_checkin(town.resident_a, 10)
    adjust(
        session, actor=town.admin_a, resident_id=town.resident_a.id, amount=-8, reason="兑换大米"
    )
    count = transfers(session)
    with pytest.raises(InsufficientPoints):
        reverse_checkin(session, actor=town.admin_a, checkin_id=checkin.id, reason="签错了人")
    assert transfers(session) == count
    assert available(session, town.resident_a) == 2


def test_another_villages_admin_cannot_reverse(session, town, award_checkin):
    checkin = award_checkin(town.resident_a, 10)
    with pytest.raises(OutsideVillage):
        reverse_checkin(session, actor=town.admin_b, checkin_id=checkin.id, reason="x")
    assert available(session, town.resident_a) == 10


def test_deduction_and_reversal_both_appear_in_the_audit_log_and_the_ledger_verifies(
    client, auth, session, town, rules, award_checkin
):
    first = award_checkin(town.resident_a, 10)
    award_checkin(town.resident_a, 30, title="消防演练")
    auth.login(town.admin_a)
    answer = client.post(
        f"/admin/adjustments?resident_id={town.resident_a.id}", data={"rule": "私拉电线"}
    )
    assert answer.status_code == 302
    answer = client.post(f"/admin/checkins/{first.id}/reverse", data={"reason": "签错了人"})
    assert answer.status_code == 302
    assert available(session, town.resident_a) == 40 - 10 - 10
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'data-action="points.adjust"' in page and 'data-action="checkin.reverse"' in page
    auth.logout()
    auth.login(town.town_admin)
    verify = client.get("/admin/ledger").get_data(as_text=True)
    assert "账本完整" in verify
    assert ledger.head(session)[1] in verify


def test_the_reversal_page_shows_a_clear_error_when_points_were_spent(
    client, auth, session, town, award_checkin
):
    checkin = award_checkin(town.resident_a, 10)
    adjust(session, actor=town.admin_a, resident_id=town.resident_a.id, amount=-10, reason="兑换")
    auth.login(town.admin_a)
    answer = client.post(
        f"/admin/checkins/{checkin.id}/reverse",
        data={"reason": "签错了人", "resident_id": town.resident_a.id},
        follow_redirects=True,
    )
    assert "可用积分不足" in answer.get_data(as_text=True)
