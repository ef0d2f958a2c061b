"""积分贷 statements: the PDF's figures equal the ledger's, its QR opens a page that checks it."""

from __future__ import annotations

import io
import re
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader
from pyzbar.pyzbar import decode
from sqlalchemy import func, select, text
from year_helpers import shanghai, village_with_expiry

from points import ledger
from points.db import write_transaction
from points.models import EarnedTotal, Household, User
from points.statements import issue


def move(session, debit, credit, amount, kind, at, memo=""):
    with write_transaction(session):
        ledger.transfer(
            session, debit_id=debit, credit_id=credit, amount=amount, kind=kind, memo=memo, now=at
        )


@pytest.fixture
def households(session, town, make_person):
    """A village with households H001 (two members, a deduction, a redemption) and H002."""
    village = village_with_expiry(session, town, None, name="贷款村")
    wang, li = (
        make_person(village, name="王建国", household="H001"),
        make_person(village, name="李秀英", household="H001"),
    )
    zhao = make_person(village, name="赵四", household="H002")
    issuance = ledger.village_account(session, village.id, "issuance").id
    sink = ledger.village_account(session, village.id, "redeemed").id
    acct = {p.id: ledger.resident_account(session, p.id).id for p in (wang, li, zhao)}
    move(session, issuance, acct[wang.id], 80, "award", shanghai(2025, 5, 1))
    move(session, issuance, acct[li.id], 45, "award", shanghai(2025, 9, 1))
    move(session, issuance, acct[wang.id], 30, "award", shanghai(2026, 2, 1))
    move(session, acct[wang.id], issuance, 10, "adjust", shanghai(2026, 3, 1), memo="私拉电线")
    move(session, acct[li.id], sink, 20, "redeem", shanghai(2026, 3, 2))  # never lowers earned
    move(session, issuance, acct[zhao.id], 200, "award", shanghai(2026, 4, 1))
    session.commit()
    h1 = session.scalar(
        select(Household.id).where(Household.code == "H001", Household.village_id == village.id)
    )
    return village, h1, (wang, li)


def earned_in(session, members, year):
    """The leaderboard's own totals (written beside each transfer) for the members."""
    return session.scalar(
        select(func.coalesce(func.sum(EarnedTotal.points), 0)).where(
            EarnedTotal.resident_id.in_([m.id for m in members]),
            EarnedTotal.period == f"y{year}",
        )
    )


def test_the_statement_pdf_shows_the_ledgers_figures_and_its_qr_opens_a_page_that_confirms_it(
    session, town, households, client, auth
):
    _village, household_id, members = households
    auth.login(town.town_admin)
    refused = client.get(f"/admin/households/{household_id}/statement.pdf")
    assert refused.status_code == 409  # no consent recorded yet
    assert (
        client.post(
            f"/admin/households/{household_id}/consent", data={"note": "同意书 2026-01"}
        ).status_code
        == 302
    )
    answer = client.get(f"/admin/households/{household_id}/statement.pdf?year=2026")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"

    reader = PdfReader(io.BytesIO(answer.data))
    assert len(reader.pages) == 1
    words = re.sub(r"[\s\x00]+", "", reader.pages[0].extract_text())  # pypdf spaces CJK
    assert f"2025年获得积分：{earned_in(session, members, 2025)}分" in words
    assert f"2026年获得积分：{earned_in(session, members, 2026)}分" in words
    assert (earned_in(session, members, 2025), earned_in(session, members, 2026)) == (125, 20)
    assert "2026年户积分：20分；村内排名：第2名（共2户）" in words  # H002 earned 200
    assert "扣10分：私拉电线" in words and "王*国" in words and "王建国" not in words
    head_id, head_hash = ledger.head(session)
    assert head_hash in words and f"第{head_id}笔" in words
    font = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert "NotoSansCJK" in str(font["/BaseFont"])
    assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded, not named

    image = reader.pages[0].images[0].image
    url = decode(image.convert("L"))[0].data.decode()
    page = client.get(urlparse(url).path)
    assert page.status_code == 200
    assert "与账本一致" in page.get_data(as_text=True)
    auth.logout()
    assert client.get(urlparse(url).path).status_code == 200  # public: the bank has no login

    # A statement whose figures were altered after the fact no longer checks out.
    session.execute(
        text("UPDATE statements SET figures = :f"), {"f": '{"household": "H001", "year": 2026}'}
    )
    session.commit()
    assert "与账本不一致" in client.get(urlparse(url).path).get_data(as_text=True)


def test_the_bank_list_holds_only_consenting_households(session, town, households, client, auth):
    village, household_id, _ = households
    issue.record_consent(session, town.town_admin, household_id, note="签字")
    auth.login(town.town_admin)
    csv = client.get(f"/admin/households/bank.csv?village_id={village.id}&year=2026")
    assert csv.status_code == 200
    body = csv.data.decode("utf-8-sig")
    assert "H001" in body and "H002" not in body
    assert ",125,20,2,2,1,10," in body  # 2025, 2026, rank, households, deductions, their sum
    xlsx = client.get(f"/admin/households/bank.xlsx?village_id={village.id}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_only_admins_over_the_village_handle_statements(session, town, households, client, auth):
    _village, household_id, members = households
    auth.login(town.admin_b)  # another village's admin... of the same town's other village
    assert client.post(f"/admin/households/{household_id}/consent").status_code == 403
    auth.logout()
    auth.login(members[0])
    assert client.get(f"/admin/households/{household_id}/statement.pdf").status_code == 403
    assert session.scalar(select(func.count()).select_from(User)) > 0
