"""The visits town: grid 一网格 of village A served by the grid worker, home of household
GL01-001 (张三丰 and 李四), and a rule book whose home-visit items have caps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from points import ledger, places, rules
from points.clock import to_utc
from points.db import write_transaction
from points.models import Household, Transfer, User

FROM = date(2026, 1, 1)
ITEMS = [
    {
        "code": "home_visit",
        "name": "平安家访",
        "points": 8,
        "caps": [{"per": "household", "period": "month", "max_times": 1}],
    },
    {
        "code": "home_visit_worker",
        "name": "平安家访（网格员）",
        "points": 2,
        "caps": [{"per": "resident", "period": "day", "max_times": 2}],
    },
]


def set_up(session, town):
    grid = places.create_grid(
        session, village_id=town.village_a.id, name="一网格", code="G1", staff_ids=[town.staff_a.id]
    )
    with write_transaction(session):
        for person in (town.resident_a, town.resident_a2):
            session.get(User, person.id).grid_id = grid.id
        session.get(Household, town.resident_a.household_id).grid_id = grid.id
    rules.publish(
        session,
        None,
        town_id=town.town.id,
        adoption=rules.Adoption(effective_from=FROM, adopted_on=FROM, body="村民代表大会"),
        items=ITEMS,
    )
    session.commit()
    return grid


def shanghai(*args) -> datetime:
    return to_utc(datetime(*args))


def balance(session, person) -> int:
    account = ledger.resident_account(session, person.id)
    session.refresh(account)
    return account.balance


def transfers(session) -> int:
    return session.scalar(select(func.count()).select_from(Transfer))
