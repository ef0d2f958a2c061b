"""The ledger writes with plain SQL statements: do the session's objects still tell the truth?

Transfers, counters and the chain head are written by prebuilt Core statements, not by the
ORM's unit of work, so objects the session loaded before a transfer must not keep showing
the old numbers, and the transfer handed back must be the row that was stored.
"""

from points import ledger
from points.db import write_transaction
from points.models import Account, LedgerHead, Transfer


def test_an_account_loaded_before_a_transfer_shows_the_new_balance_in_the_same_transaction(
    session, town
):
    resident = ledger.resident_account(session, town.resident_a.id).id
    issuance = ledger.village_account(session, town.village_a.id, "issuance").id
    session.commit()
    with write_transaction(session):
        loaded = session.get(Account, resident)
        assert loaded.balance == 0
        head = session.get(LedgerHead, ledger.HEAD_ID)
        last_id = head.last_id
        moved = ledger.transfer(
            session, debit_id=issuance, credit_id=resident, amount=25, kind="award"
        )
        assert loaded.balance == 25
        assert ledger.balance_now(session, resident) == 25
        assert session.get(Account, issuance).balance == -25
        assert (head.last_id, head.hash) == (last_id + 1, moved.hash)


def test_the_transfer_handed_back_is_the_stored_row(session, town):
    resident = ledger.resident_account(session, town.resident_a.id).id
    issuance = ledger.village_account(session, town.village_a.id, "issuance").id
    session.commit()
    with write_transaction(session):
        moved = ledger.transfer(
            session,
            debit_id=issuance,
            credit_id=resident,
            amount=7,
            kind="award",
            memo="夜间巡防",
            reference="test:stored-row",
        )
        assert session.get(Transfer, moved.id) is moved
    session.expire_all()
    stored = session.get(Transfer, moved.id)
    assert (stored.amount, stored.memo, stored.reference, stored.hash) == (
        7,
        "夜间巡防",
        "test:stored-row",
        ledger.chain_hash(stored.prev_hash, stored),
    )
    assert ledger.verify(session).ok
