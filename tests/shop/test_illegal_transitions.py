"""Is every transition the state machine does not allow refused, with nothing changed?"""

from __future__ import annotations

import pytest
from shop_helpers import snapshot

from points import ledger
from points.db import write_transaction
from points.models import Redemption, Reward
from points.shop import redemption
from points.web.edge.errors import STATUS_FOR_CATEGORY


def approve(session, town, rid):
    return redemption.approve(session, actor=town.admin_a, redemption_id=rid)


def reject(session, town, rid):
    return redemption.reject(session, actor=town.admin_a, redemption_id=rid, reason="不符合条件")


def cancel(session, town, rid):
    return redemption.cancel(session, resident=town.resident_a, redemption_id=rid)


def fulfil(session, town, rid):
    return redemption.fulfil(session, actor=town.admin_a, redemption_id=rid)


STEPS = {"approve": approve, "reject": reject, "cancel": cancel, "fulfil": fulfil}

# What has happened already → every transition that must now be refused.
ILLEGAL = {
    "pending": ["fulfil"],  # fulfil before approve
    "approve": ["approve", "reject", "cancel"],  # approve twice, cancel after approve …
    "approve-fulfil": ["fulfil", "approve", "reject", "cancel"],  # fulfil twice …
    "reject": ["approve", "reject", "cancel", "fulfil"],
    "cancel": ["reject", "approve", "cancel", "fulfil"],  # reject after cancel …
}


@pytest.mark.parametrize("history", list(ILLEGAL))
def test_an_illegal_transition_is_refused_and_changes_nothing(
    session, town, give, make_reward, history
):
    give(town.resident_a, 1000)
    rice = make_reward(cost=30, stock=50)
    for refused in ILLEGAL[history]:
        rid = redemption.request(
            session, resident=town.resident_a, reward_id=rice.id, quantity=1
        ).id
        for step in history.split("-"):
            if step != "pending":
                STEPS[step](session, town, rid)
        before = snapshot(session)
        with pytest.raises(redemption.IllegalTransition) as caught:
            STEPS[refused](session, town, rid)
        assert STATUS_FOR_CATEGORY[caught.value.category] == 409
        assert str(rid) in caught.value.message
        assert snapshot(session) == before, refused
    assert ledger.verify(session).ok


def test_a_hold_resolved_behind_the_state_machines_back_is_still_refused(
    session, town, give, make_reward
):
    """If the ledger already resolved the hold, approve answers 409 rather than posting twice."""
    give(town.resident_a, 100)
    rice = make_reward(cost=30, stock=5)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    with write_transaction(session):
        ledger.void_pending(session, made.hold_transfer_id)
    before = snapshot(session)
    with pytest.raises(redemption.IllegalTransition):
        approve(session, town, made.id)
    assert snapshot(session) == before
    session.expire_all()
    assert session.get(Redemption, made.id).status == "pending"
    assert session.get(Reward, rice.id).stock == 4
