"""Shop fixtures: rewards on the shelf (points come from the root `give` fixture)."""

from __future__ import annotations

import pytest

from points.models import Reward
from points.shop import catalogue


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
