"""The double-entry points ledger: accounts, transfers, two-phase holds, the hash chain.

The public face of the ledger; its rooms are `accounts`, `write` (the write path and its
prebuilt statements in `sql`), `earned` (what each posted transfer adds to earned totals),
`chain` (hashes and the head), `statement` (a resident's lines) and `verify`.
"""

from points.ledger.accounts import (
    account_id_of,
    open_account,
    resident_account,
    village_account,
)
from points.ledger.chain import GENESIS_HASH, HEAD_ID, canonical, chain_hash, head
from points.ledger.statement import StatementLine, count_lines, statement
from points.ledger.verify import Verification, verify
from points.ledger.write import (
    MAX_AMOUNT,
    LockedAccount,
    balance_now,
    check_amount,
    lock_accounts,
    post_pending,
    reverse,
    transfer,
    void_pending,
)

__all__ = [
    "GENESIS_HASH",
    "HEAD_ID",
    "MAX_AMOUNT",
    "LockedAccount",
    "StatementLine",
    "Verification",
    "account_id_of",
    "balance_now",
    "canonical",
    "chain_hash",
    "check_amount",
    "count_lines",
    "head",
    "lock_accounts",
    "open_account",
    "post_pending",
    "resident_account",
    "reverse",
    "statement",
    "transfer",
    "verify",
    "village_account",
    "void_pending",
]
