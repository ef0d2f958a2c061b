"""Can a mistaken transfer be undone, once, without rewriting history or earned points?"""

import pytest

from points import ledger
from points.board import standing
from points.db import write_transaction
from points.errors import DuplicateReference, InsufficientPoints, NotReversible


@pytest.fixture
def accounts(session, town):
    village = town.village_a.id
    found = {
        "resident": ledger.resident_account(session, town.resident_a.id).id,
        "issuance": ledger.village_account(session, village, "issuance").id,
        "redeemed": ledger.village_account(session, village, "redeemed").id,
    }
    session.commit()
    return found


def run(session, operation):
    with write_transaction(session):
        return operation()


def test_reversing_an_award_takes_the_points_and_the_earned_points_back(session, town, accounts):
    award = run(
        session,
        lambda: ledger.transfer(
            session,
            debit_id=accounts["issuance"],
            credit_id=accounts["resident"],
            amount=40,
            kind="award",
        ),
    )
    undo = run(session, lambda: ledger.reverse(session, award.id, memo="误签到"))
    assert (undo.debit_account_id, undo.credit_account_id) == (
        accounts["resident"],
        accounts["issuance"],
    )
    assert undo.kind == "reverse" and undo.reference == f"reverse:{award.id}"
    assert ledger.resident_account(session, town.resident_a.id).balance == 0
    assert standing.lifetime_points(session, town.resident_a.id) == 0
    assert ledger.verify(session).ok


def test_reversing_a_redemption_gives_points_back_without_counting_as_earned(
    session, town, accounts, give
):
    give(town.resident_a, 100)
    hold = run(
        session,
        lambda: ledger.transfer(
            session,
            debit_id=accounts["resident"],
            credit_id=accounts["redeemed"],
            amount=30,
            kind="redeem",
            pending=True,
        ),
    )
    posted = run(session, lambda: ledger.post_pending(session, hold.id))
    run(session, lambda: ledger.reverse(session, posted.id, memo="退货"))
    account = ledger.resident_account(session, town.resident_a.id)
    assert (account.balance, account.available) == (100, 100)
    assert standing.lifetime_points(session, town.resident_a.id) == 100
    assert ledger.verify(session).ok


def test_a_transfer_is_reversed_only_once(session, town, accounts, give, snapshot):
    give(town.resident_a, 50)
    award_id = ledger.head(session)[0]
    run(session, lambda: ledger.reverse(session, award_id))
    before = snapshot(session)
    with pytest.raises(DuplicateReference):
        run(session, lambda: ledger.reverse(session, award_id))
    assert snapshot(session) == before


def test_holds_and_reversals_cannot_be_reversed(session, town, accounts, give, snapshot):
    give(town.resident_a, 50)
    give(town.resident_a, 50)
    hold = run(
        session,
        lambda: ledger.transfer(
            session,
            debit_id=accounts["resident"],
            credit_id=accounts["redeemed"],
            amount=10,
            kind="redeem",
            pending=True,
        ),
    )
    undo = run(session, lambda: ledger.reverse(session, 1))
    before = snapshot(session)
    for transfer_id in (hold.id, undo.id):
        with pytest.raises(NotReversible):
            run(session, lambda transfer_id=transfer_id: ledger.reverse(session, transfer_id))
    assert snapshot(session) == before


def test_reversing_points_already_spent_is_refused(session, town, accounts, give, snapshot):
    give(town.resident_a, 50)
    run(
        session,
        lambda: ledger.transfer(
            session,
            debit_id=accounts["resident"],
            credit_id=accounts["redeemed"],
            amount=30,
            kind="redeem",
        ),
    )
    before = snapshot(session)
    with pytest.raises(InsufficientPoints):
        run(session, lambda: ledger.reverse(session, 1))
    assert snapshot(session) == before
