"""Do the exports open in Excel, and do their totals agree with the ledger?"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from points import ledger
from points.admin.adjustments import adjust, reverse_checkin
from points.models import Account, Transfer, utcnow


def ledger_total(session, village_id: int, start=None, end=None) -> tuple[int, int]:
    """(count, sum of amounts) of transfers touching a village's accounts, from the ledger."""
    debit, credit = aliased(Account), aliased(Account)
    query = (
        select(Transfer.amount)
        .join(debit, debit.id == Transfer.debit_account_id)
        .join(credit, credit.id == Transfer.credit_account_id)
        .where(or_(debit.village_id == village_id, credit.village_id == village_id))
    )
    if start:
        query = query.where(Transfer.created_at >= start)
    if end:
        query = query.where(Transfer.created_at < end)
    amounts = list(session.scalars(query))
    return len(amounts), sum(amounts)


def busy_village(session, town, award_checkin):
    """History in both villages, across two months (UTC+8 day boundaries matter)."""
    old = datetime(2026, 10, 15, 2, 0)
    award_checkin(town.resident_a, 10, when=old)
    award_checkin(town.resident_a2, 15, when=old + timedelta(days=1))
    recent = award_checkin(town.resident_a, 20)
    award_checkin(town.resident_b, 7)
    adjust(
        session, actor=town.admin_a, resident_id=town.resident_a2.id, amount=-5, reason="私拉电线"
    )
    adjust(session, actor=town.admin_b, resident_id=town.resident_b.id, amount=3, reason="帮忙")
    reverse_checkin(session, actor=town.admin_a, checkin_id=recent.id, reason="签错了人")


def test_xlsx_ledger_export_opens_and_its_totals_equal_the_ledgers(
    client, auth, session, town, award_checkin
):
    busy_village(session, town, award_checkin)
    a = town.village_a.id
    answer = client.get(
        f"/api/v1/reports/ledger.xlsx?village_id={a}", headers=auth.headers(town.admin_a)
    )
    assert answer.status_code == 200
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(answer.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    amounts = [row[header.index("积分")] for row in body]
    assert (len(amounts), sum(amounts)) == ledger_total(session, a)
    assert len(amounts) == 5  # 3 awards, 1 deduction, 1 reversal; 村B's two are left out
    totals = {row[0]: row for row in book["汇总"].iter_rows(values_only=True)}
    assert totals["合计"][2:] == (5, sum(amounts))
    # Every posted line, replayed, gives each account's stored balance.
    issuance = ledger.village_account(session, a, "issuance")
    names = {row[header.index("转出账户")] for row in body} | {
        row[header.index("转入账户")] for row in body
    }
    assert "谷来村发放账户" in names
    out = sum(
        r[header.index("积分")] for r in body if r[header.index("转出账户")] == "谷来村发放账户"
    )
    back = sum(
        r[header.index("积分")] for r in body if r[header.index("转入账户")] == "谷来村发放账户"
    )
    assert back - out == issuance.balance


def test_date_range_is_in_shanghai_days_and_matches_the_ledger(
    client, auth, session, town, award_checkin
):
    busy_village(session, town, award_checkin)
    a = town.village_a.id
    # 2026-10-15 02:00 UTC is 10:00 in Shanghai on the 15th; the 16th holds the second award.
    answer = client.get(
        f"/api/v1/reports/ledger.xlsx?village_id={a}&from=2026-10-16&to=2026-10-16",
        headers=auth.headers(town.admin_a),
    )
    rows = list(load_workbook(io.BytesIO(answer.data)).worksheets[0].iter_rows(values_only=True))
    assert [row[6] for row in rows[1:]] == [15]
    assert ledger_total(
        session, a, datetime(2026, 10, 15, 16, 0), datetime(2026, 10, 16, 16, 0)
    ) == (1, 15)


def test_csv_export_starts_with_a_bom_and_reads_back_in_chinese(client, auth, town, award_checkin):
    award_checkin(town.resident_a, 10)
    answer = client.get(
        f"/api/v1/reports/checkins.csv?village_id={town.village_a.id}",
        headers=auth.headers(town.admin_a),
    )
    assert answer.status_code == 200
    assert answer.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["编号", "时间", "活动", "姓名"]
    assert rows[1][3] == "张三丰" and rows[1][7] == "10"


def test_every_report_kind_exports_in_both_formats(client, auth, session, town, award_checkin):
    busy_village(session, town, award_checkin)
    headers = auth.headers(town.town_admin)
    for kind in ("ledger", "checkins", "redemptions", "residents"):
        answer = client.get(f"/api/v1/reports/{kind}.csv", headers=headers)
        assert answer.status_code == 200 and answer.data.startswith(b"\xef\xbb\xbf"), kind
        answer = client.get(f"/api/v1/reports/{kind}.xlsx", headers=headers)
        assert answer.status_code == 200
        assert load_workbook(io.BytesIO(answer.data)).worksheets[0].max_row >= 1


def test_residents_export_shows_balances_and_marks_reversed_checkins(
    client, auth, session, town, award_checkin
):
    busy_village(session, town, award_checkin)
    headers = auth.headers(town.admin_a)
    answer = client.get("/api/v1/reports/residents.csv", headers=headers)
    rows = {r[1]: r for r in csv.reader(io.StringIO(answer.data.decode("utf-8-sig")))}
    assert rows["张三丰"][7] == "10"  # 10 + 20 − 20 reversed
    assert "赵五" not in rows  # 村B's resident is not in 村A's export
    answer = client.get("/api/v1/reports/checkins.csv", headers=headers)
    reversed_flags = [r[8] for r in csv.reader(io.StringIO(answer.data.decode("utf-8-sig")))]
    assert reversed_flags.count("是") == 1


def test_a_cell_that_looks_like_a_formula_is_defused(client, auth, session, town):
    adjust(session, actor=town.admin_a, resident_id=town.resident_a.id, amount=5, reason="=1+1")
    answer = client.get("/api/v1/reports/ledger.csv", headers=auth.headers(town.admin_a))
    assert "'=1+1" in answer.data.decode("utf-8-sig")


def test_unknown_report_and_backwards_dates_are_clear_errors(client, auth, town):
    headers = auth.headers(town.admin_a)
    assert client.get("/api/v1/reports/salaries.csv", headers=headers).status_code == 404
    assert client.get("/api/v1/reports/ledger.pdf", headers=headers).status_code == 404
    answer = client.get("/api/v1/reports/ledger.csv?from=2026-11-02&to=2026-11-01", headers=headers)
    assert answer.status_code == 422
    assert (
        client.get("/api/v1/reports/ledger.csv?from=yesterday", headers=headers).status_code == 422
    )


def test_monthly_notice_masks_names_and_ranks_by_points_earned(
    client, auth, session, town, award_checkin
):
    now = utcnow()
    award_checkin(town.resident_a, 10, when=now)
    award_checkin(town.resident_a2, 25, when=now)
    adjust(session, actor=town.admin_a, resident_id=town.resident_a2.id, amount=-20, reason="兑换")
    auth.login(town.admin_a)
    page = client.get(f"/admin/reports/notice?village_id={town.village_a.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "张*丰" in text and "李*" in text
    assert "张三丰" not in text
    # 李四 earned 25 then lost 20 to a deduction: 5, behind 张三丰's 10.
    assert text.index("张*丰") < text.index("李*")


def test_the_streamed_ledger_export_reads_in_chunks_and_gives_the_same_rows_and_totals(
    client, auth, session, town, award_checkin, monkeypatch
):
    from points.admin import reports

    busy_village(session, town, award_checkin)
    flt = reports.scope_filter(session, town.admin_a, None, None, None)
    whole = reports.ledger_report(session, flt)
    session.rollback()
    assert len(whole.rows) > 4
    # Chunks of two rows and a name cache of three: every chunk boundary and cache reset.
    monkeypatch.setattr(reports, "STREAM_CHUNK", 2)
    monkeypatch.setattr(reports, "NAMES_KEPT", 3)
    headers = auth.headers(town.admin_a)
    answer = client.get("/api/v1/reports/ledger.csv", headers=headers)
    lines = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert lines[1:] == [[str(v) for v in row] for row in whole.rows]
    answer = client.get("/api/v1/reports/ledger.xlsx", headers=headers)
    book = load_workbook(io.BytesIO(answer.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    assert [["" if v is None else v for v in row] for row in rows] == whole.rows
    totals = book.worksheets[1].iter_rows(values_only=True)
    assert [["" if v is None else v for v in row] for row in totals] == whole.summary
