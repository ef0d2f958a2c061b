"""Is history append-only, and does rewriting it behind the trigger's back get caught?"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from points import ledger
from points.db import drop_ledger_guards, install_ledger_guards
from points.extensions import db
from points.models import Transfer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def history(session, town, give):
    """Three awards: transfers 1, 2 and 3."""
    for user, amount in ((town.resident_a, 10), (town.resident_a2, 20), (town.resident_b, 30)):
        give(user, amount)
    assert ledger.head(session)[0] == 3
    session.commit()


def tamper(session, statement: str) -> None:
    """Run SQL on transfers with the append-only trigger out of the way, then put it back."""
    session.rollback()  # PostgreSQL's DROP TRIGGER waits for every open reader of the table
    with db.engine.begin() as conn:
        drop_ledger_guards(conn)
        conn.execute(text(statement))
        install_ledger_guards(conn)
    session.expire_all()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE transfers SET amount = 999 WHERE id = 2", "DELETE FROM transfers WHERE id = 3"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_a_transfer(session, history, statement):
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(statement))
    session.expire_all()
    assert [t for t in session.execute(text("SELECT id, amount FROM transfers ORDER BY id"))] == [
        (1, 10),
        (2, 20),
        (3, 30),
    ]
    assert ledger.verify(session).ok


def test_an_amount_edited_behind_the_triggers_back_fails_verify_ledger_naming_it(
    runner, session, history
):
    assert runner.invoke(args=["verify-ledger"]).exit_code == 0
    tamper(session, "UPDATE transfers SET amount = 2000 WHERE id = 2")
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    said = result.output + result.stderr
    assert "FAILED" in said
    assert "transfer 2: hash does not match its fields (altered)" in said
    assert "transfer 1:" not in said and "transfer 3:" not in said


def test_a_deleted_transfer_breaks_the_chain(session, history):
    tamper(session, "DELETE FROM transfers WHERE id = 2")
    result = ledger.verify(session)
    assert not result.ok
    assert result.first_problem.startswith("transfer 3: expected id 2")


def test_a_rewritten_transfer_with_a_fresh_hash_still_breaks_the_chain(session, history):
    # A forger who recomputes transfer 2's own hash still leaves transfer 3 pointing at the old.
    t = session.get(Transfer, 2)
    t.amount = 2000
    forged = ledger.chain_hash(t.prev_hash, t)
    session.rollback()
    tamper(session, f"UPDATE transfers SET amount = 2000, hash = '{forged}' WHERE id = 2")
    problems = ledger.verify(session).problems
    assert any(p.startswith("transfer 3: prev_hash does not match") for p in problems)
    assert any(p.startswith("account ") for p in problems)  # counters no longer add up


def test_the_verify_ledger_command_exits_1_from_the_shell(db_url, tmp_path, session, history):
    tamper(session, "UPDATE transfers SET amount = 11 WHERE id = 1")
    env = {**os.environ, "DATABASE_URL": db_url, "INSTANCE_PATH": str(tmp_path / "cli")}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "verify-ledger"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "transfer 1: hash does not match" in done.stderr
