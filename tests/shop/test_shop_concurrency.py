"""Do points and stock stay exact when many redemption requests and decisions arrive at once?

Real concurrency on the test's file SQLite and on PostgreSQL: HTTP against gunicorn, or
threads each with their own app context and session.
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests
from shop_helpers import available, stock_of
from sqlalchemy import func, select
from support.races import race_in_app, race_same

from points import ledger
from points.errors import DomainError
from points.extensions import db
from points.models import Redemption, User
from points.shop import redemption

pytestmark = pytest.mark.slow


def test_30_requests_beyond_one_residents_points_accept_exactly_what_fits(
    session, town, give, make_reward, live_server
):
    give(town.resident_a, 100)
    soap_id = make_reward(name="香皂", cost=30, stock=None).id
    db.session.commit()
    token = requests.post(
        f"{live_server.url}/api/v1/auth/token",
        json={"phone": town.resident_a.phone, "password": "secret123"},
        timeout=10,
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def redeem(_i):
        answer = requests.post(
            f"{live_server.url}/api/v1/redemptions",
            json={"reward_id": soap_id, "quantity": 1},
            headers=headers,
            timeout=60,
        )
        body = answer.json()
        return answer.status_code, body["status"] if answer.ok else body["reason"]

    answers = Counter(race_same(redeem, 30))
    assert answers == {(201, "pending"): 3, (409, "insufficient_points"): 27}, live_server.log()[
        -2000:
    ]
    assert available(session, town.resident_a) == 10
    assert session.scalar(select(func.count()).select_from(Redemption)) == 3
    assert ledger.verify(session).ok


def test_30_residents_racing_for_a_stock_of_5_get_exactly_5(
    app, session, town, make_person, give, make_reward
):
    rice = make_reward(cost=10, stock=5)
    people = [make_person(town.village_a, name=f"村民{i}") for i in range(30)]
    for person in people:
        give(person, 10)
    ids = [person.id for person in people]
    rice_id = rice.id
    db.session.commit()

    def redeem(i):
        with app.app_context():
            try:
                resident = db.session.get(User, ids[i])
                redemption.request(db.session, resident=resident, reward_id=rice_id, quantity=1)
                return "pending"
            except DomainError as error:
                return error.code
            finally:
                db.session.remove()

    results = Counter(race_same(redeem, 30))
    assert results == {"pending": 5, "out_of_stock": 25}
    assert stock_of(session, rice_id) == 0
    statuses = session.scalars(select(Redemption.status)).all()
    assert statuses == ["pending"] * 5
    assert ledger.verify(session).ok


def test_approve_and_reject_racing_on_one_redemption_exactly_one_wins(
    app, session, town, give, make_reward
):
    give(town.resident_a, 1000)
    oil = make_reward(name="食用油", cost=40, stock=20)
    ids = [
        redemption.request(session, resident=town.resident_a, reward_id=oil.id, quantity=1).id
        for _ in range(8)
    ]
    admin_id = town.admin_a.id
    db.session.commit()

    def decide(i):
        rid, action = ids[i // 2], ("approve", "reject")[i % 2]
        try:
            admin = db.session.get(User, admin_id)
            if action == "approve":
                redemption.approve(db.session, actor=admin, redemption_id=rid)
            else:
                redemption.reject(db.session, actor=admin, redemption_id=rid, reason="已兑完")
            return rid, action, "won"
        except redemption.IllegalTransition:
            return rid, action, "refused"

    outcomes = race_in_app(app, 16, decide)
    session.expire_all()
    for rid in ids:
        mine = [(action, result) for r, action, result in outcomes if r == rid]
        winners = [action for action, result in mine if result == "won"]
        assert len(winners) == 1, mine
        status = session.get(Redemption, rid).status
        assert status == {"approve": "approved", "reject": "rejected"}[winners[0]]
    approved = session.scalar(
        select(func.count()).select_from(Redemption).where(Redemption.status == "approved")
    )
    assert available(session, town.resident_a) == 1000 - 40 * approved
    assert stock_of(session, oil.id) == 20 - approved
    check = ledger.verify(session)
    assert check.ok, check.problems
