"""The claims town: a grid served by the grid worker, and a book with claimable items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from points import ledger, places, rules
from points.cases import publicity
from points.clock import to_utc
from points.db import write_transaction
from points.models import Account, Posting, User

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


def posted(session, person) -> int:
    session.expire_all()
    return ledger.balance_now(session, ledger.resident_account(session, person.id).id)


def pending_credits(session) -> int:
    """Points residents have coming on holds (only cases make credits pending)."""
    session.expire_all()
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Account.credits_pending), 0)).where(
                Account.kind == "resident"
            )
        )
    )


def assert_books_agree(session) -> None:
    """The ledger verifies and the held points are exactly the open notices."""
    session.expire_all()
    assert ledger.verify(session).ok
    assert pending_credits(session) == publicity.pending_on_notice(session)
    opened = session.scalar(
        select(func.count()).select_from(Posting).where(Posting.status == "open")
    )
    assert (opened == 0) == (pending_credits(session) == 0)
