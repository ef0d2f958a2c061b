"""Under concurrent requests: is a file imported once, and a check-in reversed once?"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support.races import race_in_app

from points import ledger
from points.admin.adjustments import reverse_checkin
from points.extensions import db
from points.models import Transfer, User
from points.people.importing import import_residents

pytestmark = pytest.mark.slow


def run_together(app, work, count: int = 2) -> list:
    """Run work(session) in `count` threads at once, each with its own session."""
    return race_in_app(app, count, lambda _i: work(db.session))


def test_the_same_file_imported_twice_at_once_creates_each_resident_once(
    app, session, town, csv_file
):
    data = csv_file([f"村民{n},1381234{n:04d},GL01,GL01-{n}" for n in range(30)], "gbk")
    admin_id = town.admin_a.id
    session.commit()

    def work(s):
        return import_residents(s, s.get(User, admin_id), data)

    results = run_together(app, work)
    created = sorted(r.created for r in results)
    assert created == [0, 30]
    refused = next(r for r in results if r.created == 0)
    assert refused.errors and refused.errors[0]["row"] >= 2
    session.expire_all()
    count = session.scalar(select(func.count()).where(User.phone.like("1381234%")))
    assert count == 30


def test_a_checkin_reversed_twice_at_once_is_reversed_once(app, session, town, award_checkin):
    checkin = award_checkin(town.resident_a, 10)
    award_checkin(town.resident_a, 10, title="消防演练")
    admin_ids = (town.admin_a.id, town.town_admin.id)
    checkin_id = checkin.id
    session.commit()

    def work(i):
        actor = db.session.get(User, admin_ids[i])
        return reverse_checkin(db.session, actor=actor, checkin_id=checkin_id, reason="签错了人")

    results = race_in_app(app, 2, work)
    assert sum(isinstance(r, Transfer) for r in results) == 1
    refused = next(r for r in results if not isinstance(r, Transfer))
    assert refused.code == "already_reversed"
    session.expire_all()
    assert ledger.resident_account(session, town.resident_a.id).available == 10
    assert ledger.verify(session).ok
