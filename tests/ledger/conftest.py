"""Ledger test helpers: a snapshot of everything a refused operation must leave alone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import text


@dataclass(frozen=True)
class Snapshot:
    """Every account's counters, the number of transfers and the chain head."""

    accounts: tuple
    transfers: int
    head: tuple

    @classmethod
    def take(cls, session) -> Snapshot:
        accounts = tuple(
            tuple(row)
            for row in session.execute(
                text(
                    "SELECT id, debits_posted, credits_posted, debits_pending, credits_pending "
                    "FROM accounts ORDER BY id"
                )
            )
        )
        transfers = session.execute(text("SELECT count(*) FROM transfers")).scalar_one()
        head = tuple(session.execute(text("SELECT last_id, hash FROM ledger_head")).one())
        session.commit()  # end the read so the next write starts its own transaction
        return cls(accounts, transfers, head)


@pytest.fixture
def snapshot():
    """Take a Snapshot of the ledger: `snapshot(session)`."""
    return Snapshot.take
