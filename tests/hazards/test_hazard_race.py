"""Do grid workers verifying one report at the same instant award it exactly once?"""

from __future__ import annotations

from sqlalchemy import func, select
from support.books import assert_books_agree
from support.races import race_in_app

from points import ledger
from points.cases import hazards, machine
from points.extensions import db
from points.models import Posting, Transfer, User


def test_two_grid_workers_verifying_one_report_at_once_award_it_once(app, session, hazard_town):
    t = hazard_town
    case = hazards.report(session, reporter=t.resident_a, title="桥栏杆松动", photos=["p.webp"])
    case_id = case.id
    verifiers = [t.staff_a.id, t.staff_b.id] * 3
    session.commit()

    def verify(i):
        actor = db.session.get(User, verifiers[i])
        done = hazards.verify(db.session, actor=actor, case_id=case_id)
        return done.case.status, done.posting.points

    outcomes = race_in_app(app, len(verifiers), verify)
    assert outcomes.count(("verified", 10)) == 1, outcomes
    losers = [o for o in outcomes if o != ("verified", 10)]
    assert all(isinstance(o, machine.CaseMoveRefused) for o in losers), outcomes
    assert all(o.details == {"status": "verified"} for o in losers)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Posting)) == 1
    assert session.scalar(select(func.count()).select_from(Transfer)) == 1
    assert_books_agree(session)


def test_two_reports_of_one_hazard_in_the_same_second_earn_one_full_award_whatever_the_race(
    app, session, hazard_town
):
    """Two residents report the same hazard in the same second. While one grid worker
    verifies the second report, another marks it a duplicate of the first (already verified):
    exactly one move wins, and the second reporter is held either the full award or the
    later reporter's point — never both, never twice."""
    t = hazard_town
    first = hazards.report(session, reporter=t.resident_a, title="路灯不亮", photos=["a.webp"])
    second = hazards.report(session, reporter=t.resident_a2, title="路灯坏了", photos=["b.webp"])
    hazards.verify(session, actor=t.staff_a, case_id=first.id)
    first_id, second_id = first.id, second.id
    actors = [t.staff_a.id, t.staff_b.id] * 3
    session.commit()  # no read transaction of the test's left open across the race

    def move(i):
        actor = db.session.get(User, actors[i])
        if i % 2:
            done = hazards.mark_duplicate(
                db.session, actor=actor, case_id=second_id, duplicate_of=first_id
            )
        else:
            done = hazards.verify(db.session, actor=actor, case_id=second_id)
        return done.case.status, done.posting.points if done.posting else 0

    outcomes = race_in_app(app, len(actors), move)
    won = [o for o in outcomes if isinstance(o, tuple)]
    assert len(won) == 1 and won[0] in (("verified", 10), ("duplicate", 1)), outcomes
    assert all(isinstance(o, machine.CaseMoveRefused) for o in outcomes if o not in won)
    session.rollback()
    second_account = ledger.resident_account(session, t.resident_a2.id)
    assert second_account.credits_posted + second_account.credits_pending == won[0][1]
    first_account = ledger.resident_account(session, t.resident_a.id)
    assert first_account.credits_posted + first_account.credits_pending == 10
    assert_books_agree(session)
