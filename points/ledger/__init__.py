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
    Moved,
    balance_now,
    check_amount,
    lock_accounts,
    move,
    post_pending,
    read_accounts,
    resident_and_village,
    reverse,
    transfer,
    void_pending,
)

__all__ = [
    "GENESIS_HASH",
    "HEAD_ID",
    "MAX_AMOUNT",
    "LockedAccount",
    "Moved",
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
    "move",
    "open_account",
    "post_pending",
    "read_accounts",
    "resident_account",
    "resident_and_village",
    "reverse",
    "statement",
    "transfer",
    "verify",
    "village_account",
    "void_pending",
]
