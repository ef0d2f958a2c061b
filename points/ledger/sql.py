"""The ledger's write statements, built once and run on the session's connection.

Every award runs these inside the one-writer-at-a-time lock, so they are SQLAlchemy Core
statements with bound parameters, built at import: SQLAlchemy memoizes a reused
statement's cache key and compiled form, so an execution costs tens of microseconds where
building the statement and going through the ORM's unit of work cost hundreds.
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update

from points.models import Account, LedgerHead, Transfer

accounts = Account.__table__
transfers = Transfer.__table__
ledger_head = LedgerHead.__table__

COUNTERS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")

# Both accounts of a transfer, in id order: FOR UPDATE on PostgreSQL (SQLite already holds
# its write lock), so two transfers over the same accounts always lock in the same order.
LOCK_ACCOUNTS = (
    select(Account.id, Account.kind, Account.user_id, Account.available)
    .where(Account.id.in_([bindparam("first"), bindparam("second")]))
    .order_by(Account.id)
    .with_for_update()
)

LOCK_HEAD = (
    select(ledger_head.c.last_id, ledger_head.c.hash)
    .where(ledger_head.c.id == bindparam("head_id"))
    .with_for_update()
)

MOVE_HEAD = (
    update(ledger_head)
    .where(ledger_head.c.id == bindparam("head_id"))
    .values(last_id=bindparam("new_last_id"), hash=bindparam("new_hash"))
)

REFERENCE_USED = select(transfers.c.id).where(transfers.c.reference == bindparam("ref"))

RESOLVED_BY = select(transfers.c.id).where(transfers.c.pending_id == bindparam("held_id"))

APPEND = insert(transfers)

_amount = bindparam("amount")
_account = accounts.c.id == bindparam("account_id")

# Relative counter changes: ADD[column] adds `amount` (negative to take away).
ADD = {
    column: update(accounts).where(_account).values({column: accounts.c[column] + _amount})
    for column in COUNTERS
}

# A resident's debit: only while the available points cover it (the overdraft guard).
DEBIT_RESIDENT = {
    column: ADD[column].where(Account.available >= _amount)
    for column in ("debits_posted", "debits_pending")
}

# Posting a hold: the pending counter gives the amount to the posted one, in one statement.
POST_DEBIT = (
    update(accounts)
    .where(_account)
    .values(
        debits_pending=accounts.c.debits_pending - _amount,
        debits_posted=accounts.c.debits_posted + _amount,
    )
)
POST_CREDIT = (
    update(accounts)
    .where(_account)
    .values(
        credits_pending=accounts.c.credits_pending - _amount,
        credits_posted=accounts.c.credits_posted + _amount,
    )
)

BALANCE = select(Account.balance).where(_account)
