"""The hash chain: every transfer's hash covers the previous hash and its own fields."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import Row
from sqlalchemy.orm import Session

from points.models import LedgerHead, Transfer

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def canonical(t: Transfer | Row) -> str:
    """The fields a transfer's hash covers, in a fixed order and encoding.

    A transfer made under a rule also covers the rule and its version (appended, so the
    hashes of transfers made before the rule book stay what they were).
    """
    fields = [
        t.id,
        t.created_at.isoformat(timespec="microseconds"),
        t.debit_account_id,
        t.credit_account_id,
        t.amount,
        t.kind,
        t.phase,
        t.pending_id,
        t.reference,
        t.idempotency_key,
        t.memo,
        t.actor_id,
    ]
    rule_version_id = getattr(t, "rule_version_id", None)
    if rule_version_id is not None:
        fields += [t.rule_id, rule_version_id]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, t: Transfer | Row) -> str:
    return hashlib.sha256((prev_hash + canonical(t)).encode()).hexdigest()


def head(session: Session) -> tuple[int, str]:
    """Return (number of transfers, head hash)."""
    row = session.get(LedgerHead, HEAD_ID)
    return (row.last_id, row.hash) if row else (0, GENESIS_HASH)
