"""The books of cases on public notice (公示), as the claims and hazards tests read them."""

from __future__ import annotations

from sqlalchemy import func, select

from points import ledger
from points.cases import publicity
from points.models import Account, Posting, User


def posted(session, person: User) -> int:
    """A person's posted balance now (held points not counted)."""
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
