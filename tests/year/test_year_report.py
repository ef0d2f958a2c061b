"""The committee's year-end report: its figures are the ledger's."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from year_helpers import shanghai, village_with_expiry

from points import ledger, rules
from points.db import write_transaction
from points.year import report, settlement

BOOK = [
    {"code": "rescue", "name": "见义勇为", "points": 50},
    {"code": "patrol", "name": "巡防", "points": 10},
    {"code": "burning", "name": "露天焚烧", "kind": "deduct", "points": 10},
]


def test_the_year_end_report_adds_up_to_the_ledger_on_every_door(
    session, town, make_person, client, auth
):
    village = village_with_expiry(
        session, town, {"mode": "year_end", "date": "03-31"}, name="年报村"
    )
    rules.publish(
        session,
        None,
        town_id=town.town.id,
        adoption=rules.Adoption(effective_from=date(2024, 1, 1), body="村民代表大会"),
        items=BOOK,
    )
    a = make_person(village, name="钱一", household="H1")
    b = make_person(village, name="钱二", household="H1")
    c = make_person(village, name="孙三", household="H2")
    d = make_person(village, name="李四", household="H3")

    def award(person, code, when):
        rule = rules.rule_for(session, code, town_id=town.town.id)
        rules.award(session, rule_id=rule.id, resident_id=person.id, memo=code, at=when)

    award(d, "patrol", shanghai(2024, 6, 1))  # expires after 2025-03-31
    award(a, "rescue", shanghai(2025, 3, 1))
    award(b, "patrol", shanghai(2025, 3, 2))
    award(c, "patrol", shanghai(2025, 3, 3))
    award(c, "patrol", shanghai(2025, 3, 4))
    award(c, "burning", shanghai(2025, 4, 1))
    with write_transaction(session):
        ledger.transfer(
            session,
            debit_id=ledger.resident_account(session, a.id).id,
            credit_id=ledger.village_account(session, village.id, "redeemed").id,
            amount=20,
            kind="redeem",
            now=shanghai(2025, 5, 1),
        )
    expired = settlement.run(session, now=shanghai(2025, 4, 1, 1), village_ids=[village.id])
    assert [e.points for e in expired] == [10]
    award(b, "patrol", shanghai(2026, 1, 5))  # next year: not in 2025's figures
    session.commit()

    found = report.village_year(session, village.id, 2025)
    balances = sum(ledger.resident_account(session, p.id).balance for p in (a, b, c, d))
    assert (found.issued, found.deducted, found.redeemed, found.expired) == (80, 10, 20, 10)
    assert found.issued_by_rule == [("见义勇为", 50), ("巡防", 30)]
    assert found.outstanding == balances - 10 == 50  # what the accounts held on 12-31
    assert (found.participants, found.residents) == (3, 4)
    assert found.top_households == [("H1", 60), ("H2", 10), ("H3", 0)]
    assert ledger.verify(session).ok

    admin = town.town_admin
    api = client.get(
        f"/api/v1/reports/year-end?year=2025&village_id={village.id}", headers=auth.headers(admin)
    )
    row = api.get_json()[0]
    assert (row["issued"], row["expired"], row["outstanding"], row["participation"]) == (
        80,
        10,
        50,
        0.75,
    )
    refused = client.get(
        f"/api/v1/reports/year-end?year=2025&village_id={village.id}", headers=auth.headers(a)
    )
    assert refused.status_code == 403
    auth.login(admin)
    page = client.get(f"/admin/reports/year?year=2025&village_id={village.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "data-print" in text
    assert 'data-testid="outstanding">50<' in text and 'data-testid="expired">10<' in text
    book = load_workbook(
        io.BytesIO(client.get(f"/admin/reports/year.xlsx?year=2025&village_id={village.id}").data)
    )
    sheets = [list(sheet.values) for sheet in book.worksheets]
    assert sheets[0][1][2:9] == (80, 10, 20, 10, 50, 3, 4)
    assert ("年报村" in sheets[1][1][0]) and sheets[1][1][1:] == ("见义勇为", 50)
    assert sheets[2][1][1:] == (1, "H1", 60)
