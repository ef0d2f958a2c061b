"""Ledger accounts: a resident's, and each village's issuance account and redeemed sink."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.errors import UnknownAccount
from points.models import Account


def open_account(
    session: Session, kind: str, village_id: int | None, user_id: int | None = None
) -> Account:
    """Create an account (flushed, so it has an id)."""
    account = Account(kind=kind, village_id=village_id, user_id=user_id)
    session.add(account)
    session.flush()
    return account


def resident_account(session: Session, user_id: int) -> Account:
    account = session.scalar(select(Account).where(Account.user_id == user_id))
    if account is None:
        raise UnknownAccount(account_id=f"user:{user_id}")
    return account


def village_account(session: Session, village_id: int, kind: str) -> Account:
    """Return the village's issuance or redeemed account, opening it on first use."""
    account = session.scalar(
        select(Account).where(
            Account.village_id == village_id, Account.kind == kind, Account.user_id.is_(None)
        )
    )
    return account or open_account(session, kind, village_id)


def account_id_of(
    session: Session, *, user_id: int | None = None, village_id: int | None = None, kind: str = ""
) -> int | None:
    """An account's id, read only (a resident's, or a village's of `kind`); None if missing.

    For the reads a write does before it takes its locks: it never opens an account.
    """
    if user_id is not None:
        return session.scalar(select(Account.id).where(Account.user_id == user_id))
    return session.scalar(
        select(Account.id).where(
            Account.village_id == village_id, Account.kind == kind, Account.user_id.is_(None)
        )
    )
