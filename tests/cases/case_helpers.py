"""The claims town: a grid served by the grid worker, and a book with claimable items."""

from __future__ import annotations

from datetime import date, datetime

from points import ledger, places, rules
from points.clock import to_utc
from points.db import write_transaction
from points.models import User

FROM = date(2026, 1, 1)

ITEMS = [
    {"code": "rescue", "name": "抢险救灾", "points": 20, "publicity_days": 3},
    {"code": "wallet", "name": "拾金不昧", "points": 5},
    {
        "code": "volunteer",
        "name": "志愿服务",
        "points": 2,
        "unit": "hour",
        "publicity_days": 3,
        "caps": [{"per": "resident", "period": "week", "max_points": 10}],
    },
    {
        "code": "flood",
        "name": "防汛值守",
        "points": 30,
        "publicity_days": 5,
        "confirm_by": "village_admin",
    },
    {"code": "burning", "name": "露天焚烧", "kind": "deduct", "points": 10},
]


def set_up(session, town):
    """Grid 一网格 of village A, served by staff_a, home of resident_a and resident_a2."""
    grid = places.create_grid(
        session,
        village_id=town.village_a.id,
        name="一网格",
        code="G1",
        staff_ids=[town.staff_a.id],
    )
    with write_transaction(session):
        for person in (town.resident_a, town.resident_a2):
            session.get(User, person.id).grid_id = grid.id
    rules.publish(
        session,
        None,
        town_id=town.town.id,
        adoption=rules.Adoption(
            effective_from=FROM,
            adopted_on=FROM,
            body="村民代表大会",
            votes_for=40,
            votes_against=1,
            votes_abstain=0,
        ),
        items=ITEMS,
    )
    session.commit()
    return grid


def shanghai(*args) -> datetime:
    """A Shanghai wall-clock moment as a stored UTC time."""
    return to_utc(datetime(*args))


def available(session, person) -> int:
    account = ledger.resident_account(session, person.id)
    session.refresh(account)
    return account.available
