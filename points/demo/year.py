"""Demo of the scheme's year, in the first town: a closed year 2025 with expiries, a
year-end report to show, household base points and a household item, the red and black
lists, and two households whose consent is recorded and whose 积分贷 statements are issued.

2024 and 2025 history is made through the rule book's first version (in force since ever),
redemptions through the ledger's write path; the town's expiry is `year_end` 03-31, so the
seed settles twice: at 2025-04-01 (2024's leftovers) and at 2026-04-01 (2025's).
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import ledger, rules
from points.clock import SHANGHAI, local_now, to_utc
from points.db import write_transaction
from points.demo.rules import BOOK
from points.households import items as household_items
from points.models import Account, Household
from points.places import settings
from points.policy import Place
from points.statements import issue
from points.year import settlement

HOUSEHOLD_ITEMS = [
    {
        "code": "civil_family",
        "name": "文明家庭",
        "name_en": "Model household",
        "points": 20,
        "subject": "household",
        "confirm_by": "village_admin",
        "caps": [{"per": "household", "period": "year", "max_times": 1}],
    },
    {
        "code": "tidy_yard",
        "name": "庭院整洁",
        "name_en": "Tidy courtyard",
        "points": 5,
        "subject": "household",
        "caps": [{"per": "household", "period": "month", "max_times": 1}],
    },
]
PAST_WORK = (("patrol", 10), ("home_visit", 8), ("anti_fraud", 5), ("fire_drill", 10))


def _at(*parts: int) -> datetime:
    return to_utc(datetime(*parts, tzinfo=SHANGHAI))


def seed_demo(session: Session, rng: random.Random, people) -> None:
    from points.demo import TOWNS

    town = people.town
    if town is None or town.name != TOWNS[0].name or local_now().year < 2026:
        return
    place = Place(town.id)
    with write_transaction(session):
        settings.put(session, "expiry", {"mode": "year_end", "date": "03-31"}, place)
        settings.put(session, "household_base_points", 100, place)
        settings.put(session, "black_list_enabled", True, place)
    day = rules.today()
    rules.publish(
        session,
        None,
        town_id=town.id,
        adoption=rules.Adoption(
            effective_from=day, adopted_on=day, body="村民代表大会", votes_for=44, votes_abstain=2
        ),
        items=[*BOOK, *HOUSEHOLD_ITEMS],
    )
    _past_years(session, rng, people)
    villages = [v.id for v in people.villages]
    settlement.run(session, now=_at(2025, 4, 1, 0, 30), village_ids=villages)
    settlement.run(session, now=_at(2026, 4, 1, 0, 30), village_ids=villages)
    _households(session, rng, people)


def _past_years(session: Session, rng: random.Random, people) -> None:
    """Awards in 2024 and 2025 under the town's first book; some spent before they expire."""
    for person in people.residents:
        for year, count in ((2024, rng.randint(0, 1)), (2025, rng.randint(1, 4))):
            for _ in range(count):
                code, points = rng.choice(PAST_WORK)
                rule = rules.rule_for(session, code, town_id=person.town_id)
                when = _at(year, rng.randint(4, 11), rng.randint(1, 28), rng.randint(8, 19))
                rules.award(
                    session,
                    rule_id=rule.id,
                    resident_id=person.id,
                    memo=f"{year} 年活动",
                    asked=points,
                    at=when,
                    kind="award",
                    reference=f"demo:{year}:{person.id}:{when.timestamp():.0f}",
                )
        if rng.random() < 0.4:
            account = ledger.resident_account(session, person.id)
            spend = min(
                session.scalar(select(Account.available).where(Account.id == account.id)), 10
            )
            if spend > 0:
                with write_transaction(session):
                    ledger.transfer(
                        session,
                        debit_id=account.id,
                        credit_id=ledger.village_account(session, person.village_id, "redeemed").id,
                        amount=spend,
                        kind="redeem",
                        memo="2025 年积分超市兑换",
                        now=_at(2025, 12, rng.randint(1, 20), 10),
                    )


def _households(session: Session, rng: random.Random, people) -> None:
    """Two households of the first village: a household item, consent and a 2025 statement."""
    village = people.villages[0]
    admin = people.admins[village.id]
    homes = session.scalars(
        select(Household.id).where(Household.village_id == village.id).order_by(Household.id)
    ).all()[:2]
    for n, household_id in enumerate(homes):
        household_items.record(
            session,
            admin,
            household_id,
            rule_code="civil_family" if n == 0 else "tidy_yard",
            memo="村两委评议",
        )
        issue.record_consent(session, admin, household_id, note=f"全体成员签字同意书 第 {n + 1} 号")
        issue.issue(session, admin, household_id, year=2025)
