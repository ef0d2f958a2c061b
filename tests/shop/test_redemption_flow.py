"""What happens to points, stock, vouchers and notices as a redemption moves through its states?"""

from __future__ import annotations

import pytest
import time_machine
from shop_helpers import available, balance, stock_of
from sqlalchemy import select

from points import ledger
from points.db import write_transaction
from points.errors import InsufficientPoints, OutsideVillage
from points.models import AuditEntry, Notice, Redemption, StockMovement
from points.places import settings
from points.policy import SelfApproval
from points.shop import catalogue, redemption


def movements_of(session, reward_id):
    return [
        (m.kind, m.quantity)
        for m in session.scalars(
            select(StockMovement)
            .where(StockMovement.reward_id == reward_id)
            .order_by(StockMovement.id)
        )
    ]


def test_a_request_holds_the_points_and_reserves_the_stock(session, town, give, make_reward):
    give(town.resident_a, 200)
    rice = make_reward(cost=50, stock=10)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=3)
    assert made.status == "pending"
    assert made.points == 150
    assert balance(session, town.resident_a) == 200
    assert available(session, town.resident_a) == 50
    assert stock_of(session, rice.id) == 7
    assert movements_of(session, rice.id) == [("restock", 10), ("reserve", -3)]


def test_approving_spends_the_hold_and_issues_a_crockford_voucher(session, town, give, make_reward):
    give(town.resident_a, 100)
    rice = make_reward(cost=40)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=2)
    done = redemption.approve(session, actor=town.admin_a, redemption_id=made.id)
    assert done.status == "approved"
    assert len(done.voucher_code) == 8
    assert set(done.voucher_code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert balance(session, town.resident_a) == 20
    assert available(session, town.resident_a) == 20
    sink = ledger.village_account(session, town.village_a.id, "redeemed")
    assert sink.balance == 80
    notice = session.scalar(select(Notice).where(Notice.user_id == town.resident_a.id))
    assert done.voucher_code in notice.message
    assert ledger.verify(session).ok


def test_rejecting_gives_back_points_and_stock_and_tells_the_resident_why(
    session, town, give, make_reward
):
    give(town.resident_a, 100)
    oil = make_reward(name="食用油", cost=60, stock=2)
    made = redemption.request(session, resident=town.resident_a, reward_id=oil.id, quantity=1)
    done = redemption.reject(
        session, actor=town.admin_a, redemption_id=made.id, reason="本月油已发完"
    )
    assert done.status == "rejected"
    assert done.reason == "本月油已发完"
    assert available(session, town.resident_a) == 100
    assert stock_of(session, oil.id) == 2
    assert movements_of(session, oil.id)[-1] == ("release", 1)
    notice = session.scalar(select(Notice).where(Notice.user_id == town.resident_a.id))
    assert "本月油已发完" in notice.message
    assert ledger.verify(session).ok


def test_a_resident_cancels_their_pending_request(session, town, give, make_reward):
    give(town.resident_a, 100)
    soap = make_reward(name="香皂", cost=10, stock=5)
    made = redemption.request(session, resident=town.resident_a, reward_id=soap.id, quantity=4)
    redemption.cancel(session, resident=town.resident_a, redemption_id=made.id)
    assert available(session, town.resident_a) == 100
    assert stock_of(session, soap.id) == 5
    assert session.get(Redemption, made.id).status == "cancelled"


def test_fulfilling_records_who_handed_over_and_when(session, town, give, make_reward):
    give(town.resident_a, 100)
    towel = make_reward(name="毛巾", cost=20, stock=3)
    made = redemption.request(session, resident=town.resident_a, reward_id=towel.id, quantity=1)
    approved = redemption.approve(session, actor=town.admin_a, redemption_id=made.id)
    typed = approved.voucher_code.lower().replace("0", "o").replace("1", "l")
    done = redemption.fulfil_voucher(session, actor=town.admin_a, code=typed)
    assert done.status == "fulfilled"
    assert done.fulfilled_by == town.admin_a.id
    assert done.fulfilled_at is not None
    assert movements_of(session, towel.id)[-1] == ("handover", -1)
    assert stock_of(session, towel.id) == 2  # reserved at request, not taken twice
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.target_type == "redemption")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["redemption.request", "redemption.approve", "redemption.fulfil"]


def test_unlimited_stock_is_never_counted_down(session, town, give, make_reward):
    give(town.resident_a, 100)
    haircut = make_reward(name="理发券", cost=30, stock=None)
    redemption.request(session, resident=town.resident_a, reward_id=haircut.id, quantity=3)
    assert stock_of(session, haircut.id) is None
    assert movements_of(session, haircut.id) == [("reserve", -3)]


def test_a_town_wide_reward_is_redeemable_in_every_village(session, town, give, make_reward):
    give(town.resident_b, 100)
    towel = make_reward(name="毛巾", cost=20, village=None)
    made = redemption.request(session, resident=town.resident_b, reward_id=towel.id, quantity=1)
    assert made.village_id == town.village_b.id
    with pytest.raises(OutsideVillage):
        redemption.approve(session, actor=town.admin_a, redemption_id=made.id)
    assert redemption.approve(session, actor=town.admin_b, redemption_id=made.id).voucher_code


def test_an_admin_cannot_approve_their_own_redemption(session, town, give, make_reward):
    give(town.admin_a, 100)
    rice = make_reward(cost=10)
    made = redemption.request(session, resident=town.admin_a, reward_id=rice.id, quantity=1)
    with pytest.raises(SelfApproval):
        redemption.approve(session, actor=town.admin_a, redemption_id=made.id)
    assert session.get(Redemption, made.id).status == "pending"
    assert redemption.approve(session, actor=town.town_admin, redemption_id=made.id)


def test_a_village_admin_cannot_decide_another_villages_redemption(
    session, town, give, make_reward
):
    give(town.resident_b, 100)
    rice_b = make_reward(cost=10, village=town.village_b)
    made = redemption.request(session, resident=town.resident_b, reward_id=rice_b.id, quantity=1)
    for act in (
        lambda: redemption.approve(session, actor=town.admin_a, redemption_id=made.id),
        lambda: redemption.reject(session, actor=town.admin_a, redemption_id=made.id, reason="x"),
    ):
        with pytest.raises(OutsideVillage):
            act()
    assert session.get(Redemption, made.id).status == "pending"


def test_not_enough_points_refuses_and_reserves_nothing(session, town, give, make_reward):
    give(town.resident_a, 30)
    rice = make_reward(cost=50, stock=4)
    with pytest.raises(InsufficientPoints):
        redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    assert stock_of(session, rice.id) == 4
    assert session.scalar(select(Redemption.id)) is None


def test_sold_out_stock_refuses_and_holds_no_points(session, town, give, make_reward):
    give(town.resident_a, 500)
    rice = make_reward(cost=50, stock=1)
    with pytest.raises(catalogue.OutOfStock):
        redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=2)
    assert available(session, town.resident_a) == 500


def test_the_rewards_monthly_limit_counts_this_month_only(session, town, give, make_reward):
    give(town.resident_a, 1000)
    oil = make_reward(name="食用油", cost=10, stock=None, monthly_limit=2)
    with time_machine.travel("2026-03-10 04:00:00", tick=False):
        redemption.request(session, resident=town.resident_a, reward_id=oil.id, quantity=2)
        with pytest.raises(redemption.MonthlyLimitReached):
            redemption.request(session, resident=town.resident_a, reward_id=oil.id, quantity=1)
    # 1 April 00:30 in Shanghai is still 31 March in UTC: a new month for the village.
    with time_machine.travel("2026-03-31 16:30:00", tick=False):
        redemption.request(session, resident=town.resident_a, reward_id=oil.id, quantity=2)


def test_the_schemes_monthly_redemption_limit_counts_requests(session, town, give, make_reward):
    give(town.resident_a, 1000)
    soap = make_reward(name="香皂", cost=5, stock=None)
    with write_transaction(session):
        settings.put(session, "monthly_redemption_limit", 2, town.place_a)
    first = redemption.request(session, resident=town.resident_a, reward_id=soap.id, quantity=1)
    redemption.request(session, resident=town.resident_a, reward_id=soap.id, quantity=1)
    with pytest.raises(redemption.MonthlyLimitReached):
        redemption.request(session, resident=town.resident_a, reward_id=soap.id, quantity=1)
    # A cancelled request no longer counts.
    redemption.cancel(session, resident=town.resident_a, redemption_id=first.id)
    redemption.request(session, resident=town.resident_a, reward_id=soap.id, quantity=1)


def test_bulk_approve_reports_every_item_and_one_failure_stops_nothing(
    session, town, give, make_reward
):
    give(town.resident_a, 300)
    give(town.resident_b, 300)
    give(town.admin_a, 300)
    rice = make_reward(cost=10, stock=None)
    towel = make_reward(name="毛巾", cost=10, village=None)
    first = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    own = redemption.request(session, resident=town.admin_a, reward_id=rice.id, quantity=1)
    done = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    redemption.approve(session, actor=town.town_admin, redemption_id=done.id)
    other = redemption.request(session, resident=town.resident_b, reward_id=towel.id, quantity=1)
    last = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    ids = [first.id, own.id, done.id, other.id, 999_999, last.id]
    outcomes = redemption.approve_many(session, actor=town.admin_a, redemption_ids=ids)
    assert [(o.redemption_id, o.ok, o.reason) for o in outcomes] == [
        (first.id, True, None),
        (own.id, False, "self_approval"),
        (done.id, False, "illegal_transition"),
        (other.id, False, "other_village"),
        (999_999, False, "not_found"),
        (last.id, True, None),
    ]
    session.expire_all()
    assert session.get(Redemption, last.id).status == "approved"
    assert session.get(Redemption, own.id).status == "pending"
    assert ledger.verify(session).ok


def test_voucher_codes_are_read_forgivingly():
    assert redemption.normalise_voucher(" ab0c-d1ef ") == "AB0CD1EF"
    assert redemption.normalise_voucher("abocdief") == "AB0CD1EF"
    assert redemption.normalise_voucher("ABLCDEFG") == "AB1CDEFG"
    assert redemption.normalise_voucher("ABUCDEFG") is None  # U is not Crockford
    assert redemption.normalise_voucher("ABC") is None
