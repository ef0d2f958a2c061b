"""Do racing approvers make one hold, and do two `points tick` processes post each hold once?"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from case_helpers import shanghai
from sqlalchemy import func, select
from support.books import assert_books_agree, posted
from support.races import race_in_app

from points.cases import claims
from points.extensions import db
from points.models import Case, Posting, Transfer, User

ROOT = Path(__file__).resolve().parents[2]


def test_two_approvers_at_once_make_one_hold(app, session, claims_town):
    town = claims_town
    case = claims.submit(session, claimant=town.resident_a, rule_code="rescue", title="抢险")
    case_id = case.id
    approvers = [town.staff_a.id, town.admin_a.id] * 3
    session.commit()

    def approve(i):
        actor = db.session.get(User, approvers[i])
        decision = claims.approve(db.session, actor=actor, case_id=case_id)
        return decision.case.status, decision.granted.points

    outcomes = race_in_app(app, len(approvers), approve)
    assert outcomes.count(("approved", 20)) == 1, outcomes
    assert all(isinstance(o, claims.IllegalTransition) for o in outcomes if o != ("approved", 20))
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Posting)) == 1
    assert session.scalar(select(func.count()).select_from(Transfer)) == 1
    assert_books_agree(session)


# A process that waits for a common start time, then runs `points tick`'s jobs once.
TICK = """
import sys, time
from points import create_app, tick
from points.clock import utcnow
from points.extensions import db
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    db.session.execute(db.text("select 1"))
    db.session.rollback()
    time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
    print(tick.run(db.session, utcnow())["postings"])
"""


def test_points_tick_from_two_processes_at_once_posts_each_hold_once(
    session, claims_town, db_url, tmp_path
):
    town = claims_town
    long_ago = shanghai(2026, 1, 10, 9, 0)  # every notice has ended by now
    for i in range(12):
        case = claims.submit(
            session, claimant=town.resident_a, rule_code="rescue", title=f"抢险 {i}", now=long_ago
        )
        claims.approve(session, actor=town.staff_a, case_id=case.id, now=long_ago)
    session.commit()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "tick-test",
        "DATABASE_URL": db_url,
    }
    start_at = str(time.time() + 6)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", TICK, db_url, start_at],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    done = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in done]
    counts = [int(out.strip().splitlines()[-1]) for out, _ in done]
    assert sum(counts) == 12, counts
    session.expire_all()
    assert posted(session, town.resident_a) == 12 * 20
    assert (
        session.scalar(select(func.count()).select_from(Transfer).where(Transfer.phase == "post"))
        == 12
    )
    assert session.scalar(select(func.count()).select_from(Case)) == 12
    assert_books_agree(session)


def test_the_tick_command_posts_due_holds_and_can_run_again(session, claims_town, runner):
    town = claims_town
    long_ago = shanghai(2026, 1, 10, 9, 0)
    case = claims.submit(
        session, claimant=town.resident_a, rule_code="rescue", title="抢险", now=long_ago
    )
    claims.approve(session, actor=town.staff_a, case_id=case.id, now=long_ago)
    session.commit()
    first = runner.invoke(args=["tick"])
    assert first.exit_code == 0, first.output
    assert "postings: 1" in first.output
    again = runner.invoke(args=["tick"])
    assert "postings: 0" in again.output
    assert posted(session, town.resident_a) == 20
