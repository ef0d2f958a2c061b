"""The one way tests give a resident points: an award from their village's issuance account."""

from __future__ import annotations

from points import ledger
from points.db import write_transaction
from points.models import Transfer, User


def give_points(
    session, person: User, amount: int, *, kind: str = "award", memo: str = "测试奖励"
) -> Transfer:
    """Award `amount` points to a person (committed), as the ledger records any award."""
    with write_transaction(session):
        return ledger.transfer(
            session,
            debit_id=ledger.village_account(session, person.village_id, "issuance").id,
            credit_id=ledger.resident_account(session, person.id).id,
            amount=amount,
            kind=kind,
            memo=memo,
        )
