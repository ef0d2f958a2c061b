"""Shop fixtures: points for a resident, rewards on the shelf, a snapshot of what can change."""

from __future__ import annotations

import pytest

from points import ledger
from points.db import write_transaction
from points.models import Reward, User
from points.shop import catalogue


@pytest.fixture
def give(session):
    """Award `amount` points to a person from their village's issuance account."""

    def give(user: User, amount: int) -> None:
        with write_transaction(session):
            ledger.transfer(
                session,
                debit_id=ledger.village_account(session, user.village_id, "issuance").id,
                credit_id=ledger.resident_account(session, user.id).id,
                amount=amount,
                kind="award",
                memo="测试奖励",
            )

    return give


@pytest.fixture
def make_reward(session, town):
    """Put a reward on the shelf (village A's by default; village=None for town-wide)."""

    def make(
        name: str = "大米 5斤",
        cost: int = 50,
        stock: int | None = 10,
        village: object = "a",
        **extra,
    ) -> Reward:
        target = town.village_a if village == "a" else village
        actor = town.admin_a if target is town.village_a else town.town_admin
        fields = catalogue.RewardFields(
            name=name,
            points_cost=cost,
            stock=stock,
            village_id=target.id if target is not None else None,
            **extra,
        )
        return catalogue.create_reward(session, actor=actor, fields=fields)

    return make
