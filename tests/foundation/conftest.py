"""Foundation API helpers: the JSON error shape and a snapshot of what a refusal must not touch."""

from __future__ import annotations

import pytest
from sqlalchemy import text

ERROR_KEYS = {"code", "status", "message", "errors"}


def assert_error_shape(answer, status: int) -> dict:
    """Assert the answer is SPEC's JSON error with this status; return its body."""
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body is not None, answer.get_data(as_text=True)
    assert set(body) >= ERROR_KEYS, body
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"].strip()
    assert isinstance(body["errors"], dict)
    return body


def ledger_state(session) -> tuple:
    """Every account's counters, the transfer count and the chain head."""
    accounts = session.execute(
        text(
            "SELECT id, debits_posted, credits_posted, debits_pending, credits_pending "
            "FROM accounts ORDER BY id"
        )
    ).all()
    transfers = session.execute(text("SELECT count(*) FROM transfers")).scalar_one()
    head = session.execute(text("SELECT last_id, hash FROM ledger_head")).one()
    session.commit()
    return tuple(map(tuple, accounts)), transfers, tuple(head)


@pytest.fixture
def error_shape():
    return assert_error_shape


@pytest.fixture
def state():
    return ledger_state
