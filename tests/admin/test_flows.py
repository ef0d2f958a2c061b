"""Do the dashboards' monthly figures, rolled up from the transfers, count each one once?"""

from __future__ import annotations

from points.admin import dashboard, flows
from points.admin.adjustments import adjust
from points.policy import Place


def issued_this_month(session, place: Place) -> int:
    figures = dashboard.build(session, place)
    session.commit()
    assert figures.series[-1].issued == figures.month.issued
    return figures.month.issued


def test_the_rollup_counts_each_transfer_once_however_often_the_dashboard_is_read(
    session, town, give
):
    a = Place(town.town.id, town.village_a.id)
    give(town.resident_a, 10)
    assert issued_this_month(session, a) == 10
    assert issued_this_month(session, a) == 10  # read again: nothing new, nothing counted twice
    give(town.resident_a, 5)
    adjust(session, actor=town.admin_a, resident_id=town.resident_a.id, amount=-3, reason="扣分")
    assert issued_this_month(session, a) == 12  # net of the deduction back into issuance
    give(town.resident_b, 7)  # another village
    assert issued_this_month(session, a) == 12
    assert issued_this_month(session, Place(town.town.id)) == 19
    assert flows.catch_up(session) == 0


def held_on_accounts(session, place: Place) -> int:
    """The recomputation: every resident account's balance in the place, summed."""
    from sqlalchemy import func, select

    from points.models import Account
    from points.places import in_place

    total = session.scalar(
        select(func.coalesce(func.sum(Account.balance), 0)).where(
            Account.kind == "resident", in_place(Account.village_id, place)
        )
    )
    session.commit()
    return int(total)


def test_what_residents_hold_comes_from_the_rollup_and_equals_their_accounts_balances(
    session, town, give
):
    from points import ledger
    from points.db import write_transaction

    a, b = town.resident_a, town.resident_b
    give(a, 10)
    give(town.resident_a2, 4)
    give(b, 7)
    adjust(session, actor=town.admin_a, resident_id=a.id, amount=-3, reason="扣分")
    account = ledger.resident_account(session, a.id).id
    sink = ledger.village_account(session, a.village_id, "redeemed").id
    with write_transaction(session):
        posted = ledger.transfer(
            session, debit_id=account, credit_id=sink, amount=2, kind="redeem", pending=True
        )
        voided = ledger.transfer(
            session, debit_id=account, credit_id=sink, amount=1, kind="redeem", pending=True
        )
    with write_transaction(session):
        ledger.post_pending(session, posted.id)
        ledger.void_pending(session, voided.id)
    session.commit()
    for place in (
        Place(town.town.id, town.village_a.id),
        Place(town.town.id, town.village_b.id),
        Place(town.town.id),
        Place(),
    ):
        figures = dashboard.build(session, place)
        session.commit()
        assert figures.outstanding == held_on_accounts(session, place)
    assert dashboard.build(session, Place(town.town.id, town.village_a.id)).outstanding == 9
    session.commit()
    held = {f.town_id: f.outstanding for f in dashboard.town_rollup(session)}
    session.commit()
    assert held[town.town.id] == held_on_accounts(session, Place(town.town.id)) == 16
