"""Demo claims (申报): a live 公示 notice with an objection, a posted award, a rejection and a
claim waiting in the queue, in the first village of each town."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from points import rules
from points.cases import claims, publicity

CLAIM_ITEMS = [
    {
        "code": "rescue",
        "name": "抢险救灾",
        "name_en": "Emergency rescue",
        "points": 20,
        "unit": "case",
        "publicity_days": 5,
    },
    {
        "code": "lost_found",
        "name": "拾金不昧",
        "name_en": "Returning lost property",
        "points": 5,
        "unit": "case",
    },
    {
        "code": "volunteer",
        "name": "志愿服务",
        "name_en": "Volunteering",
        "points": 2,
        "unit": "hour",
        "publicity_days": 3,
        "caps": [{"per": "resident", "period": "month", "max_points": 40}],
    },
]


def seed_demo(session: Session, rng: random.Random, people) -> None:
    """The first village adds claimable items to its book; a few claims go through them."""
    village = people.villages[0]
    admin = people.admins[village.id]
    day = rules.today()
    rules.publish(
        session,
        None,
        village_id=village.id,
        adoption=rules.Adoption(
            effective_from=day,
            adopted_on=day,
            body="村民代表大会",
            votes_for=36,
            votes_against=0,
            votes_abstain=1,
        ),
        items=CLAIM_ITEMS,
    )
    # Its own picks, so the other demo steps' random draws stay as they were.
    mine = [p for p in people.residents if p.village_id == village.id]
    picked = random.Random(village.id).sample(mine, k=5)
    rescuer, finder, helper, late, neighbour = picked
    rescue = claims.submit(
        session,
        claimant=rescuer,
        rule_code="rescue",
        title="台风夜帮助独居老人转移",
        description="凌晨两点和网格员一起把老人背到村委会避险点。",
    )
    claims.approve(session, actor=admin, case_id=rescue.id)
    volunteer = claims.submit(
        session, claimant=helper, rule_code="volunteer", title="文化礼堂反诈宣传值守", units=3
    )
    notice = claims.approve(session, actor=admin, case_id=volunteer.id).posting
    publicity.object_to(
        session,
        actor=neighbour,
        posting_id=notice.id,
        reason="那天下午礼堂没开门，请核实。",
    )
    wallet = claims.submit(
        session, claimant=finder, rule_code="lost_found", title="在菜场捡到钱包交还失主"
    )
    claims.approve(session, actor=admin, case_id=wallet.id)
    doubtful = claims.submit(session, claimant=late, rule_code="rescue", title="帮忙搬沙袋")
    claims.reject(session, actor=admin, case_id=doubtful.id, reason="当天没有抢险任务记录")
    claims.submit(session, claimant=late, rule_code="volunteer", title="清扫村道", units=2)
