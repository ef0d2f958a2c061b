"""Do grid workers verifying one report at the same instant award it exactly once?"""

from __future__ import annotations

from hazard_helpers import assert_books_agree
from sqlalchemy import func, select
from support.races import race_in_app

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
