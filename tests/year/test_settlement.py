"""Settlement: the warning 30 days before, the expiry at midnight Shanghai, exactly once."""

from __future__ import annotations

import time_machine
from sqlalchemy import func, select
from support.races import race_in_app
from year_helpers import shanghai, village_with_expiry

from points import ledger
from points.db import write_transaction
from points.models import Notice, Transfer
from points.year import settlement

YEAR_END = {"mode": "year_end", "date": "03-31"}


def earn(session, person, amount, at):
    with write_transaction(session):
        return ledger.transfer(
            session,
            debit_id=ledger.village_account(session, person.village_id, "issuance").id,
            credit_id=ledger.resident_account(session, person.id).id,
            amount=amount,
            kind="award",
            now=at,
        )


def expiring_seen(client, auth, person):
    return client.get("/api/v1/me", headers=auth.headers(person)).get_json()["expiring"]


def test_the_warning_shows_30_days_before_and_the_points_go_at_midnight_shanghai(
    session, town, make_person, client, auth
):
    village = village_with_expiry(session, town, YEAR_END)
    person = make_person(village, name="李秋菊")
    earn(session, person, 70, shanghai(2025, 6, 1, 10))
    earn(session, person, 30, shanghai(2026, 1, 5, 10))  # next year's: valid to 2027-03-31
    account = ledger.resident_account(session, person.id).id
    session.commit()

    with time_machine.travel(shanghai(2026, 2, 28, 23, 59), tick=False):
        assert expiring_seen(client, auth, person) == []
        assert settlement.run(session) == []
    with time_machine.travel(shanghai(2026, 3, 1, 0, 0), tick=False):
        assert expiring_seen(client, auth, person) == [{"points": 70, "on": "2026-03-31"}]
        auth.login(person)
        page = client.get("/me").get_data(as_text=True)
        assert "70 分将于 3月31日 到期" in page
        auth.logout()
        assert settlement.run(session) == []  # nothing due yet: only the warning
        settlement.run(session)
    warnings = session.scalars(
        select(Notice.message).where(Notice.user_id == person.id, Notice.kind == "points.expiring")
    ).all()
    assert warnings == ["70 分将于 3月31日 到期，请及时使用。"]  # once, however many runs

    with time_machine.travel(shanghai(2026, 3, 31, 23, 59, 59), tick=False):
        assert settlement.run(session) == []
        assert ledger.resident_account(session, person.id).available == 100
    with time_machine.travel(shanghai(2026, 4, 1, 0, 0), tick=False):
        done = settlement.run(session)
        assert [(e.account_id, e.points, e.reference) for e in done] == [
            (account, 70, f"expire:2026-03-31:{account}")
        ]
        assert settlement.run(session) == []
        body = client.get("/api/v1/me", headers=auth.headers(person)).get_json()
    assert (body["balance"], body["available"], body["lifetime_points"]) == (30, 30, 100)
    assert body["expiring"] == []
    assert ledger.verify(session).ok


def test_held_points_are_never_expired_and_come_back_to_expire_later(session, town, make_person):
    village = village_with_expiry(session, town, YEAR_END)
    person = make_person(village)
    earn(session, person, 50, shanghai(2025, 3, 1))
    account = ledger.resident_account(session, person.id).id
    sink = ledger.village_account(session, village.id, "redeemed").id
    with write_transaction(session):
        hold = ledger.transfer(
            session, debit_id=account, credit_id=sink, amount=20, kind="redeem", pending=True
        ).id
    done = settlement.run(session, now=shanghai(2026, 4, 2))
    assert [e.points for e in done] == [30]  # the 20 held stay held
    with write_transaction(session):
        ledger.void_pending(session, hold)
    done = settlement.run(session, now=shanghai(2026, 4, 3))
    assert [(e.points, e.reference) for e in done] == [(20, f"expire:2026-03-31:{account}:2")]
    assert ledger.resident_account(session, person.id).available == 0
    assert ledger.verify(session).ok


def test_rolling_points_last_n_months_and_a_village_overrides_its_town(session, town, make_person):
    from points.places import settings
    from points.policy import Place

    with write_transaction(session):
        settings.put(session, "expiry", {"mode": "rolling", "months": 2}, Place(town.town.id))
    plain = village_with_expiry(session, town, None)  # inherits the town's rolling rule
    never = village_with_expiry(session, town, {"mode": "none"})
    a, b = make_person(plain), make_person(never)
    earn(session, a, 10, shanghai(2026, 1, 15, 12))
    earn(session, b, 10, shanghai(2026, 1, 15, 12))
    assert settlement.run(session, now=shanghai(2026, 3, 15, 23)) == []  # valid through 3-15
    done = settlement.run(session, now=shanghai(2026, 3, 16, 0))
    assert [(e.user_id, e.points, e.last_day.isoformat()) for e in done] == [
        (a.id, 10, "2026-03-15")
    ]


def test_settling_from_many_processes_at_once_expires_each_lot_once(
    app, session, town, make_person
):
    village = village_with_expiry(session, town, YEAR_END)
    people = [make_person(village, name=f"村民{i}") for i in range(5)]
    for i, person in enumerate(people):
        earn(session, person, 10 + i, shanghai(2025, 5, 1))
    session.commit()
    now = shanghai(2026, 4, 1, 8)

    results = race_in_app(app, 4, lambda i: settlement.run(settlement_session(), now=now))
    assert not [r for r in results if isinstance(r, BaseException)], results
    expired = session.scalars(
        select(Transfer).where(Transfer.kind == "expire").order_by(Transfer.id)
    ).all()
    assert sorted(t.amount for t in expired) == [10, 11, 12, 13, 14]
    assert sum(len(r) for r in results) == 5  # each resident settled by exactly one run
    assert session.scalar(select(func.count()).select_from(Transfer)) == 10
    assert ledger.verify(session).ok


def settlement_session():
    from points.extensions import db

    return db.session


def test_expire_points_prints_each_village_and_a_dry_run_changes_nothing(
    session, town, make_person, runner
):
    village = village_with_expiry(session, town, YEAR_END, name="到期村")
    person = make_person(village)
    earn(session, person, 40, shanghai(2024, 12, 1))
    session.commit()
    before = ledger.head(session)
    session.commit()
    dry = runner.invoke(args=["expire-points", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "到期村" in dry.output and "40 分" in dry.output
    assert ledger.head(session) == before
    session.commit()
    real = runner.invoke(args=["expire-points"])
    assert "到期村" in real.output and "40 分" in real.output
    again = runner.invoke(args=["expire-points"])
    assert "合计 total: 0 人" in again.output
    assert ledger.resident_account(session, person.id).available == 0
