"""Demo home visits (平安家访 · 民情日记): each grid worker has visited some of their grids'
households over the last four months, so that the list shows last visits and the households
still to be visited this quarter."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import visits
from points.clock import local_now, to_utc
from points.db import write_transaction
from points.models import Household, User

NOTES = [
    ("老人独居，身体还好，提醒按时吃药。", "", False, False),
    ("检查了燃气灶和热水器，软管有老化。", "下周上门帮忙更换燃气软管。", True, False),
    ("讲解了电信诈骗的新手法，家里已装国家反诈中心APP。", "", False, False),
    ("和邻居因宅基地边界有争执，已初步调解。", "约两户到村委会再谈一次。", False, True),
    ("电动车在楼道充电，已劝导改到集中充电点。", "", True, False),
    ("家里孩子在外地打工，留守老人需要关心。", "每月电话问候一次。", False, False),
]


def seed_demo(session: Session, rng: random.Random, people) -> None:
    """About half of each worker's households visited, on days over the last 120."""
    mine = random.Random(people.town.id * 7919)  # its own draws: the other steps stay as they were
    today = local_now().date()
    with write_transaction(session):
        for workers in people.grid_workers.values():
            for worker in workers:
                worker = session.get(User, worker.id)
                grid_ids = sorted(worker.grid_ids)
                homes = session.scalars(
                    select(Household).where(Household.grid_id.in_(grid_ids)).order_by(Household.id)
                ).all()
                for home in homes:
                    if mine.random() < 0.45:
                        continue
                    member = session.scalar(
                        select(User)
                        .where(User.household_id == home.id, User.active.is_(True))
                        .order_by(User.id)
                        .limit(1)
                    )
                    if member is None:
                        continue
                    day = today - timedelta(days=mine.randint(1, 120))
                    at = to_utc(
                        datetime.combine(day, time(mine.randint(9, 17), mine.choice((0, 30))))
                    )
                    note, follow_up, hazard, dispute = mine.choice(NOTES)
                    visits.record(
                        session,
                        worker,
                        household_id=home.id,
                        note=note,
                        follow_up=follow_up,
                        hazard_found=hazard,
                        dispute_found=dispute,
                        confirmation="in_person",
                        member_id=member.id,
                        now=at,
                    )
