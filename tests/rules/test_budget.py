"""Does the budget say what the ledger holds, warn at 80%, and (when asked) stop at 100%?"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from points import ledger, rules
from points.admin.adjustments import adjust
from points.db import write_transaction
from points.errors import InsufficientPoints
from points.places import settings as place_settings
from points.policy import Place
from points.rules import budget

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026


def _stored(wall: datetime) -> datetime:
    return wall.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


# Around the year's two ends (Shanghai): inside the year, or just outside it.
moment = st.sampled_from(
    [
        datetime(2025, 12, 31, 23, 59),
        datetime(2026, 1, 1, 0, 1),
        datetime(2026, 6, 15, 12, 0),
        datetime(2026, 12, 31, 23, 59),
        datetime(2027, 1, 1, 0, 1),
    ]
)
operation = st.one_of(
    st.tuples(st.just("award"), st.sampled_from(["patrol", "mediation"]), moment),
    st.tuples(st.just("deduct"), st.just("burning"), moment),
    st.tuples(st.just("adjust"), st.integers(min_value=-20, max_value=20).filter(bool), moment),
    st.tuples(st.just("redeem"), st.integers(min_value=1, max_value=15), moment),
)


def _in_year(wall: datetime) -> bool:
    return wall.year == YEAR


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=10))
def test_budget_figures_equal_the_ledgers_after_random_operations(session, town, book, operations):
    place = Place(town.town.id, town.village_a.id)
    resident = town.resident_a
    before = budget.figures(session, place, year=YEAR)
    issued = redeemed = 0
    for kind, what, wall in operations:
        at = _stored(wall)
        try:
            if kind in ("award", "deduct"):
                done = rules.award(
                    session,
                    rule_id=book[what],
                    resident_id=resident.id,
                    memo=what,
                    at=at,
                    tier="重大" if what == "mediation" else None,
                )
                moved = done.granted.signed if done.transfer_id else 0
            elif kind == "adjust":
                moved = adjust(
                    session, actor=town.admin_a, resident_id=resident.id, amount=what, reason="更正"
                ).amount
                moved = what
                at = None  # written now, in this (real) year
            else:
                with write_transaction(session):
                    ledger.transfer(
                        session,
                        debit_id=ledger.resident_account(session, resident.id).id,
                        credit_id=ledger.village_account(session, town.village_a.id, "redeemed").id,
                        amount=what,
                        kind="redeem",
                        now=at,
                    )
                redeemed += what if _in_year(wall) else 0
                continue
        except (InsufficientPoints, rules.RuleNotInForce):
            continue  # refused (no points to take; no such rule then): nothing written
        counted = _in_year(wall) if at is not None else rules.today().year == YEAR
        issued += moved if counted else 0
    after = budget.figures(session, place, year=YEAR)
    assert after.issued - before.issued == issued
    assert after.redeemed - before.redeemed == redeemed
    assert after.outstanding == ledger.resident_account(session, resident.id).balance + sum(
        ledger.resident_account(session, p.id).balance for p in (town.resident_a2,)
    )


def test_the_dashboard_shows_issued_against_the_budget_and_what_the_shop_owes(
    client, auth, session, town, book
):
    place = Place(town.town.id, town.village_a.id)
    place_settings.update(
        session, town.admin_a, place, {"points_budget_year": 25, "point_value_yuan": "0.2"}
    )
    for _ in range(2):
        rules.award(session, rule_id=book["patrol"], resident_id=town.resident_a.id, memo="巡防")
    auth.login(town.admin_a)
    page = client.get(f"/admin/?village_id={town.village_a.id}").get_data(as_text=True)
    assert "20 / 25" in page and "80%" in page
    assert "¥4.00" in page  # 20 points held × 0.2 yuan
    assert 'data-testid="budget-warning"' in page


def test_awards_past_the_budget_are_refused_only_when_the_setting_says_so(
    client, auth, session, town, book
):
    place = Place(town.town.id, town.village_a.id)
    place_settings.update(session, town.admin_a, place, {"points_budget_year": 15})
    first = rules.award(
        session, rule_id=book["patrol"], resident_id=town.resident_a.id, memo="巡防"
    )
    again = rules.award(
        session, rule_id=book["patrol"], resident_id=town.resident_a.id, memo="巡防"
    )
    assert first.transfer_id and again.transfer_id  # default: past the budget, awards go on
    place_settings.update(session, town.admin_a, place, {"refuse_awards_over_budget": True})
    answer = client.post(
        "/api/v1/adjustments",
        json={"resident_id": town.resident_a.id, "rule": "mediation", "tier": "一般"},
        headers=auth.headers(town.admin_a),
    )
    assert answer.status_code == 409 and answer.get_json()["errors"].get("reason") in (
        None,
        "over_budget",
    )
    assert "预算" in answer.get_json()["message"]
