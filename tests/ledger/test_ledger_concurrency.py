"""Does the ledger hold under concurrency: threads, each with its own session, at once?"""

from __future__ import annotations

import pytest
from support.races import race_in_app

from points import ledger
from points.db import write_transaction
from points.errors import InsufficientPoints, NotPending
from points.extensions import db

pytestmark = pytest.mark.slow


def at_once(app, count: int, work) -> list:
    """Run work(i) in `count` threads released together, each in its own write transaction
    on its own session; return each result or exception."""

    def one(i: int):
        with write_transaction(db.session):
            return work(i)

    return race_in_app(app, count, one, timeout=120)


@pytest.fixture
def wallet(app, session, town, give):
    """Resident A's account holding 100 points, and where spending goes."""
    village = town.village_a.id
    account = ledger.resident_account(session, town.resident_a.id).id
    redeemed = ledger.village_account(session, village, "redeemed").id
    session.commit()
    give(town.resident_a, 100)
    return account, redeemed


@pytest.mark.parametrize("pending", [False, True], ids=["spend", "hold"])
def test_twenty_threads_spending_sixty_percent_at_once_let_exactly_one_through(
    app, session, town, wallet, pending
):
    account, redeemed = wallet

    def spend(_i):
        moved = ledger.transfer(
            db.session,
            debit_id=account,
            credit_id=redeemed,
            amount=60,
            kind="redeem",
            pending=pending,
        )
        return moved.id

    results = at_once(app, 20, spend)
    won = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, InsufficientPoints)]
    assert len(won) == 1, results
    assert len(refused) == 19, [r for r in results if not isinstance(r, InsufficientPoints)]
    session.expire_all()
    stored = ledger.resident_account(session, town.resident_a.id)
    assert stored.available == 40
    assert stored.balance == (100 if pending else 40)
    assert ledger.head(session)[0] == 2  # the funding award and the one spend
    assert ledger.verify(session).ok


def test_post_and_void_racing_on_one_hold_resolve_it_exactly_once(app, session, town, wallet):
    account, redeemed = wallet
    holds = []
    for _ in range(3):
        with write_transaction(session):
            holds.append(
                ledger.transfer(
                    session,
                    debit_id=account,
                    credit_id=redeemed,
                    amount=20,
                    kind="redeem",
                    pending=True,
                ).id
            )
    for hold_id in holds:
        results = at_once(
            app,
            10,
            lambda i, hold_id=hold_id: (
                (ledger.post_pending if i % 2 else ledger.void_pending)(db.session, hold_id).phase
            ),
        )
        won = [r for r in results if isinstance(r, str)]
        assert len(won) == 1, results
        assert all(isinstance(r, NotPending) for r in results if not isinstance(r, str)), results
    session.expire_all()
    stored = ledger.resident_account(session, town.resident_a.id)
    assert stored.debits_pending == 0
    assert ledger.verify(session).ok
