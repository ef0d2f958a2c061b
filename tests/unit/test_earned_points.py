"""Which transfers change the points a resident has *earned* (the leaderboard's measure)?

Awards, adjustments and reversals do: credited to a resident they add, debited from one they
subtract. Spending (redeem) and expiry never do, so spending never drops a rank; and moves
between a village's issuance account and its redeemed sink belong to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from points.ledger.earned import earned_delta
from points.models.ledger import TRANSFER_KINDS

RESIDENT_ID = 42
AMOUNT = 30


@dataclass(frozen=True)
class Account:
    kind: str
    user_id: int | None = None


@dataclass(frozen=True)
class Transfer:
    kind: str
    amount: int = AMOUNT


RESIDENT = Account("resident", RESIDENT_ID)
ISSUANCE = Account("issuance")
REDEEMED = Account("redeemed")
# (debit, credit): the direction points move in.
MOVES = {
    "issuance → resident": (ISSUANCE, RESIDENT),
    "resident → issuance": (RESIDENT, ISSUANCE),
    "resident → redeemed": (RESIDENT, REDEEMED),
    "redeemed → resident": (REDEEMED, RESIDENT),
    "issuance → redeemed": (ISSUANCE, REDEEMED),
    "redeemed → issuance": (REDEEMED, ISSUANCE),
}
UP, DOWN, NONE = (RESIDENT_ID, AMOUNT), (RESIDENT_ID, -AMOUNT), (None, 0)

#                   iss→res  res→iss  res→red  red→res  iss→red  red→iss
EARNED = {
    "award":        (UP,     DOWN,    DOWN,    UP,      NONE,    NONE),
    "adjust":       (UP,     DOWN,    DOWN,    UP,      NONE,    NONE),
    "reverse":      (UP,     DOWN,    DOWN,    UP,      NONE,    NONE),
    "redeem":       (NONE,   NONE,    NONE,    NONE,    NONE,    NONE),
    "expire":       (NONE,   NONE,    NONE,    NONE,    NONE,    NONE),
}  # fmt: skip


def test_every_kind_of_transfer_has_a_row():
    assert set(EARNED) == set(TRANSFER_KINDS)


@pytest.mark.parametrize(("kind", "row"), EARNED.items())
def test_earned_points_move_with_awards_adjustments_and_reversals_only(kind, row):
    found = {
        move: earned_delta(Transfer(kind), debit, credit) for move, (debit, credit) in MOVES.items()
    }
    assert found == dict(zip(MOVES, row, strict=True))


def test_a_deduction_and_a_reversed_check_in_take_back_exactly_what_was_given():
    given = earned_delta(Transfer("award", 50), ISSUANCE, RESIDENT)
    deducted = earned_delta(Transfer("adjust", 20), RESIDENT, ISSUANCE)
    reversed_ = earned_delta(Transfer("reverse", 50), RESIDENT, ISSUANCE)
    assert (given, deducted, reversed_) == (
        (RESIDENT_ID, 50),
        (RESIDENT_ID, -20),
        (RESIDENT_ID, -50),
    )


def test_spending_points_leaves_earned_points_alone():
    assert earned_delta(Transfer("redeem", 500), RESIDENT, REDEEMED) == NONE
