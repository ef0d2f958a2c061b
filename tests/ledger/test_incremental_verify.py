"""Does verify-ledger go on from its sealed checkpoint, and still catch tampering on both sides?"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from points import ledger
from points.db import drop_ledger_guards, install_ledger_guards, write_transaction
from points.extensions import db
from points.models import Account, Transfer

SECRET = "test-secret"  # the tests' SECRET_KEY: the seal's key


@pytest.fixture
def checkpointed(session, town, give):
    """Three awards verified from the genesis: the checkpoint stands at transfer 3."""
    for user, amount in ((town.resident_a, 10), (town.resident_a2, 20), (town.resident_b, 30)):
        give(user, amount)
    session.commit()
    first = ledger.verify(session, secret=SECRET)
    assert first.ok and (first.since, first.checked) == (0, 3)
    session.commit()


def edit(session, statement: str) -> None:
    """Run SQL with the append-only trigger out of the way, then put it back."""
    session.rollback()
    with db.engine.begin() as conn:
        drop_ledger_guards(conn)
        conn.execute(text(statement))
        install_ledger_guards(conn)
    session.expire_all()


def verify_again(session, **options) -> ledger.Verification:
    session.rollback()
    result = ledger.verify(session, secret=SECRET, **options)
    session.commit()
    return result


def test_a_second_run_rehashes_only_the_transfers_since_the_checkpoint(
    session, town, give, checkpointed
):
    give(town.resident_a, 5)
    give(town.resident_b, 7)
    result = verify_again(session, scrub_window=1)
    assert result.ok, result.problems
    assert (result.since, result.checked, result.transfers) == (3, 2, 5)
    assert verify_again(session).since == 5  # and the checkpoint moved on


def test_a_hold_made_before_the_checkpoint_and_posted_after_it_checks_out(
    session, town, give, checkpointed
):
    account = ledger.resident_account(session, town.resident_a.id).id
    sink = ledger.village_account(session, town.resident_a.village_id, "redeemed").id
    with write_transaction(session):
        hold = ledger.transfer(
            session, debit_id=account, credit_id=sink, amount=4, kind="redeem", pending=True
        )
    assert verify_again(session).ok
    with write_transaction(session):
        ledger.post_pending(session, hold.id)
    result = verify_again(session)
    assert result.ok, result.problems
    assert result.checked == 1


def test_a_transfer_edited_after_the_checkpoint_is_caught(session, town, give, checkpointed):
    give(town.resident_a, 5)
    session.commit()
    edit(session, "UPDATE transfers SET amount = 500 WHERE id = 4")
    problems = verify_again(session).problems
    assert "transfer 4: hash does not match its fields (altered)" in problems


def test_a_transfer_edited_before_the_checkpoint_is_caught_by_the_scrub(
    session, town, give, checkpointed
):
    edit(session, "UPDATE transfers SET amount = 2000 WHERE id = 2")
    problems = verify_again(session).problems
    assert "transfer 2: hash does not match its fields (altered)" in problems


def test_the_scrub_rereads_older_transfers_in_turn_a_window_per_run(
    session, town, give, checkpointed
):
    assert verify_again(session, scrub_window=1).ok  # scrubs transfer 1
    edit(session, "UPDATE transfers SET amount = 2000 WHERE id = 1")
    assert verify_again(session, scrub_window=1).ok  # transfer 2's turn
    assert verify_again(session, scrub_window=1).ok  # transfer 3's turn
    problems = verify_again(session, scrub_window=1).problems  # round again: transfer 1's
    assert "transfer 1: hash does not match its fields (altered)" in problems
    assert "transfer 1: hash does not match its fields (altered)" in (
        verify_again(session, full=True).problems
    )


def test_a_chain_rewritten_before_the_checkpoint_no_longer_ends_in_its_hash(session, checkpointed):
    # A forger who rewrites transfer 2 and re-hashes 2 and 3 leaves a self-consistent chain…
    rows = {t.id: t for t in session.query(Transfer).order_by(Transfer.id)}
    rows[2].amount = 2000
    rows[2].hash = ledger.chain_hash(rows[2].prev_hash, rows[2])
    rows[3].prev_hash = rows[2].hash
    third = ledger.chain_hash(rows[3].prev_hash, rows[3])
    second = rows[2].hash
    session.rollback()
    edit(session, f"UPDATE transfers SET amount = 2000, hash = '{second}' WHERE id = 2")
    edit(session, f"UPDATE transfers SET prev_hash = '{second}', hash = '{third}' WHERE id = 3")
    edit(session, f"UPDATE ledger_head SET hash = '{third}'")
    # … but not one that ends in the checkpoint's hash.
    problems = verify_again(session).problems
    assert any("no longer carries the checkpoint's hash" in p for p in problems)


def test_an_account_changed_behind_the_ledgers_back_is_caught(session, town, checkpointed):
    account = ledger.resident_account(session, town.resident_b.id).id
    edit(session, f"UPDATE accounts SET credits_posted = credits_posted + 100 WHERE id = {account}")
    problems = verify_again(session).problems
    assert any(p.startswith(f"account {account}: stored") for p in problems)


def test_a_changed_checkpoint_is_refused_by_its_seal(session, town, checkpointed):
    account = ledger.resident_account(session, town.resident_b.id).id
    edit(
        session,
        "UPDATE ledger_checkpoint_balances SET credits_posted = credits_posted + 100 "
        f"WHERE account_id = {account}",
    )
    result = verify_again(session)
    assert "checkpoint: its seal does not match its contents (altered)" in result.problems
    assert result.since == 0  # it fell back to the genesis


def test_the_command_verifies_from_the_checkpoint_or_in_full(runner, session, checkpointed):
    session.rollback()
    said = runner.invoke(args=["verify-ledger"])
    assert said.exit_code == 0 and "0 checked since transfer 3" in said.output
    said = runner.invoke(args=["verify-ledger", "--full"])
    assert said.exit_code == 0 and "3 checked since transfer 0" in said.output


def test_an_untouched_account_changed_is_caught_when_the_accounts_scrub_reaches_it(
    session, town, give, checkpointed
):
    accounts = sorted(a.id for a in session.query(Account).filter(Account.kind == "resident"))
    target = accounts[-1]
    edit(session, f"UPDATE accounts SET debits_posted = debits_posted + 1 WHERE id = {target}")
    runs = []
    for _ in range(40):  # one account a run: every account's turn comes round
        runs.append(verify_again(session, scrub_window=1))
        if not runs[-1].ok:
            break
    assert any(
        p.startswith(f"account {target}: stored") and "the checkpoint's counters give" in p
        for p in runs[-1].problems
    )
    assert len(runs) > 1  # the first window did not reach it: it was caught on its turn


def test_an_account_moved_by_new_transfers_is_compared_with_what_they_moved(
    session, town, give, checkpointed
):
    give(town.resident_a, 5)
    session.commit()
    account = ledger.resident_account(session, town.resident_a.id).id
    edit(session, f"UPDATE accounts SET credits_posted = credits_posted + 1 WHERE id = {account}")
    problems = verify_again(session, scrub_window=1).problems
    assert any(
        p.startswith(f"account {account}: stored") and "the transfers since give" in p
        for p in problems
    )


def test_two_runs_from_the_same_checkpoint_store_only_one_of_them(
    session, town, give, checkpointed
):
    from points.ledger import checkpoint

    give(town.resident_a, 5)
    session.commit()
    start, problem = checkpoint.load(session, SECRET)
    session.rollback()
    assert problem is None
    moved = {ledger.resident_account(session, town.resident_a.id).id: [0, 5, 0, 0]}
    issuance = ledger.village_account(session, town.resident_a.village_id, "issuance").id
    moved[issuance] = [5, 0, 0, 0]
    session.rollback()
    last, head_hash = ledger.head(session)
    session.rollback()
    assert checkpoint.store(session, SECRET, last, head_hash, start, moved, 1)
    assert not checkpoint.store(session, SECRET, last, head_hash, start, moved, 1)
    result = verify_again(session)  # the movements were added to the kept counters once
    assert result.ok, result.problems


def test_the_kept_counters_equal_a_recomputation_from_the_transfers_after_incremental_runs(
    session, town, give, checkpointed
):
    from points.models import LedgerCheckpointBalance

    for amount in (5, 6, 7):
        give(town.resident_a, amount)
        give(town.resident_b, amount)
        assert verify_again(session, scrub_window=2).ok
    kept = {
        row.account_id: [
            row.debits_posted,
            row.credits_posted,
            row.debits_pending,
            row.credits_pending,
        ]
        for row in session.query(LedgerCheckpointBalance)
    }
    stored = {
        a.id: [a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending]
        for a in session.query(Account)
        if any((a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending))
    }
    assert kept == stored
    assert verify_again(session, full=True).ok
