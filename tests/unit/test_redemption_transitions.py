"""Which way may a redemption move? Every (state, action) pair of the state machine:

pending ──approve──▶ approved ──fulfil──▶ fulfilled
   ├────reject───▶ rejected
   └────cancel───▶ cancelled
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from points.models.shop import REDEMPTION_STATUSES
from points.shop.redemption import (
    ACTION_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    IllegalTransition,
    advance,
    next_status,
)

ACTIONS = ("approve", "reject", "cancel", "fulfil")
NO = None

#                approve      reject      cancel       fulfil
MACHINE = {
    "pending":   ("approved", "rejected", "cancelled", NO),
    "approved":  (NO,         NO,         NO,          "fulfilled"),
    "fulfilled": (NO,         NO,         NO,          NO),
    "rejected":  (NO,         NO,         NO,          NO),
    "cancelled": (NO,         NO,         NO,          NO),
}  # fmt: skip


@dataclass
class Redemption:
    id: int
    status: str


def test_the_machine_knows_every_status_the_database_allows_and_every_action():
    assert set(MACHINE) == set(REDEMPTION_STATUSES) == set(STATUS_LABELS)
    assert set(TRANSITIONS) == set(ACTIONS) == set(ACTION_LABELS)


@pytest.mark.parametrize(("status", "row"), MACHINE.items())
def test_each_state_allows_only_its_arrows(status, row):
    allowed = {action: next_status(status, action) for action in ACTIONS}
    assert allowed == dict(zip(ACTIONS, row, strict=True))


@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for s, row in MACHINE.items() for a, to in zip(ACTIONS, row, strict=True) if to is NO],
)
def test_a_move_without_an_arrow_is_refused_as_an_illegal_transition(status, action):
    redemption = Redemption(7, status)
    with pytest.raises(IllegalTransition) as refused:
        advance(redemption, action)
    assert refused.value.code == "illegal_transition"
    assert refused.value.category == "conflict"
    assert refused.value.status == status
    assert redemption.status == status, "refusing changes nothing"


def test_the_refusal_says_which_redemption_its_state_and_the_action_in_words():
    with pytest.raises(IllegalTransition) as refused:
        advance(Redemption(7, "approved"), "cancel")
    assert refused.value.message == "兑换单 7 现在是「已通过，待领取」，不能取消。"


@pytest.mark.parametrize(
    ("status", "action", "to"),
    [(s, a, to) for s, row in MACHINE.items() for a, to in zip(ACTIONS, row, strict=True) if to],
)
def test_a_move_along_an_arrow_answers_the_new_state_and_leaves_the_change_to_the_caller(
    status, action, to
):
    redemption = Redemption(7, status)
    assert advance(redemption, action) == to
    assert redemption.status == status
