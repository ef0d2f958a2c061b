"""Demo data for the admin pages: award/deduction rules, a few adjustments, one reversal."""

from __future__ import annotations

import contextlib
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.admin.adjustments import adjust_by_rule, reverse_checkin
from points.errors import DomainError
from points.models import Checkin
from points.places import settings
from points.policy import Place

TOWN_RULES = [
    {"label": "见义勇为", "amount": 50},
    {"label": "举报电诈线索", "amount": 20},
    {"label": "调解邻里纠纷", "amount": 15},
    {"label": "私拉电线", "amount": -10},
    {"label": "乱堆柴草（消防隐患）", "amount": -5},
]


def seed_demo(session: Session, rng: random.Random, people) -> None:
    """Town rules, a village's own extra rule, adjustments by rule and a reversed check-in."""
    town = Place(people.town_admin.town_id)
    settings.update(session, people.town_admin, town, {"deduction_rules": TOWN_RULES})
    first = people.villages[0]
    settings.update(
        session,
        people.admins[first.id],
        Place(first.town_id, first.id),
        {"deduction_rules": [*TOWN_RULES, {"label": "护林防火巡查", "amount": 8}]},
    )
    for village in people.villages:
        admin = people.admins[village.id]
        mine = [p for p in people.residents if p.village_id == village.id]
        for person in rng.sample(mine, k=3):
            rule = rng.choice(settings.get(session, "deduction_rules", village.id))
            # A deduction larger than the resident's points is refused, as it should be.
            with contextlib.suppress(DomainError):
                adjust_by_rule(session, actor=admin, resident_id=person.id, rule=rule["label"])
        checkin = session.scalar(
            select(Checkin).where(Checkin.village_id == village.id).order_by(Checkin.id.desc())
        )
        if checkin is not None:
            with contextlib.suppress(DomainError):
                reverse_checkin(
                    session, actor=admin, checkin_id=checkin.id, reason="网格员误签了同名村民"
                )
