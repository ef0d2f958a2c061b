"""Demo data for the points supermarket: a stocked catalogue and redemptions in every state."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from points import ledger
from points.errors import DomainError
from points.shop import catalogue, redemption

# (name, description, points, stock (None = unlimited), monthly limit per resident)
TOWN_WIDE = [
    ("理发券", "镇上合作理发店凭券理发一次", 30, None, 2),
    ("毛巾", "纯棉毛巾一条", 20, 120, None),
]
PER_VILLAGE = [
    ("大米 5斤", "本地新米，5 斤装", 50, 30, 2),
    ("食用油 1.8L", "菜籽油一桶", 80, 20, 1),
    ("洗衣液", "2 公斤装", 40, 25, None),
    ("香皂", "香皂一块", 10, 100, None),
    ("酱油", "500 毫升", 15, 40, None),
    ("牙膏", "家庭装", 12, 0, None),  # sold out: shows how the catalogue says so
]
REJECT_REASONS = ["本月该奖品已兑完，请下月再来", "申请数量过多，请改为 1 件重新申请"]


def seed_demo(session: Session, rng: random.Random, people) -> None:
    """Stock the catalogue (town-wide and per village) and make some redemptions."""
    town_rewards = [
        _reward(session, people.town_admin, None, row, order) for order, row in enumerate(TOWN_WIDE)
    ]
    for village in people.villages:
        admin = people.admins[village.id]
        rewards = [
            _reward(session, admin, village.id, row, order + 10)
            for order, row in enumerate(PER_VILLAGE)
        ]
        rewards += town_rewards
        residents = [p for p in people.residents if p.village_id == village.id]
        made = []
        for resident in rng.sample(residents, k=min(10, len(residents))):
            reward = rng.choice(rewards)
            account = ledger.resident_account(session, resident.id)
            if account.available < reward.points_cost:
                continue
            try:
                made.append(
                    redemption.request(session, resident=resident, reward_id=reward.id, quantity=1)
                )
            except DomainError:
                continue  # out of stock, over a limit: the demo simply skips it
        # Leave the first few pending; decide the rest the way a village would.
        for index, item in enumerate(made):
            if index < 3:
                continue
            if index == 3:
                redemption.reject(
                    session, actor=admin, redemption_id=item.id, reason=rng.choice(REJECT_REASONS)
                )
            elif index == 4:
                redemption.cancel(session, resident=_person(people, item), redemption_id=item.id)
            else:
                redemption.approve(session, actor=admin, redemption_id=item.id)
                if index % 2 == 1:
                    redemption.fulfil(session, actor=admin, redemption_id=item.id)


def _reward(session: Session, actor, village_id, row, order: int):
    name, description, cost, stock, limit = row
    return catalogue.create_reward(
        session,
        actor=actor,
        fields=catalogue.RewardFields(
            name=name,
            description=description,
            points_cost=cost,
            stock=stock,
            monthly_limit=limit,
            village_id=village_id,
            sort_order=order,
        ),
    )


def _person(people, item):
    return next(p for p in people.residents if p.id == item.resident_id)
