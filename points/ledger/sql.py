"""The ledger's write statements, built once and run on the session's connection.

Every award runs these inside the one-writer-at-a-time lock, so they are SQLAlchemy Core
statements with bound parameters, built at import: SQLAlchemy memoizes a reused
statement's cache key and compiled form, so an execution costs tens of microseconds where
building the statement and going through the ORM's unit of work cost hundreds.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, case, insert, or_, select, update

from points.models import Account, LedgerHead, Transfer

accounts = Account.__table__
transfers = Transfer.__table__
ledger_head = LedgerHead.__table__

COUNTERS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")

# The one lock order of accounts, everywhere: residents' accounts first, then the villages'
# (issuance, redeemed: the rows many transfers share, so they are held for the shortest
# time), each group in id order. A write that updates its accounts without locking them
# first (`read=`) updates them in this order too.
RESIDENTS_FIRST = case((Account.kind == "resident", 0), else_=1)

# Both accounts of a transfer in the lock order: FOR UPDATE on PostgreSQL (SQLite already
# holds its write lock), so two transfers over the same accounts always lock in one order.
LOCK_ACCOUNTS = (
    select(Account.id, Account.kind, Account.user_id, Account.available)
    .where(Account.id.in_([bindparam("first"), bindparam("second")]))
    .order_by(RESIDENTS_FIRST, Account.id)
    .with_for_update()
)

# A resident's account and one of their village's (issuance, redeemed), in one read: what a
# write needs to know of its accounts before the lock.
RESIDENT_AND_VILLAGE = select(Account.id, Account.kind, Account.user_id, Account.available).where(
    or_(
        Account.user_id == bindparam("user_id"),
        and_(
            Account.village_id == bindparam("village_id"),
            Account.kind == bindparam("kind"),
            Account.user_id.is_(None),
        ),
    )
)

# What a write needs to know of its accounts before it takes any lock (a kind and an owner
# never change): the same fields, read without a lock (`available` only for messages).
READ_ACCOUNTS = select(Account.id, Account.kind, Account.user_id, Account.available).where(
    Account.id.in_([bindparam("first"), bindparam("second")])
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

# PostgreSQL: the transfer's insert and the head's move in one statement (one round trip),
# a data-modifying CTE; an insert refused by a unique index refuses the whole statement.
APPEND_AND_MOVE_HEAD = MOVE_HEAD.add_cte(
    insert(transfers)
    .values({c.key: bindparam(f"t_{c.key}") for c in transfers.columns})
    .cte("appended")
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

# A resident's counters as the update leaves them: the answer needs no read afterwards.
_AFTER = (Account.balance, Account.available)
ADD_RETURNING = {column: statement.returning(*_AFTER) for column, statement in ADD.items()}
DEBIT_RESIDENT_RETURNING = {
    column: statement.returning(*_AFTER) for column, statement in DEBIT_RESIDENT.items()
}
POST_DEBIT_RETURNING = POST_DEBIT.returning(*_AFTER)

BALANCE = select(Account.balance).where(_account)
AVAILABLE = select(Account.available).where(_account)
