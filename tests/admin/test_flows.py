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
