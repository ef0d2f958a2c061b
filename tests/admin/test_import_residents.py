"""Can a village admin import residents from the CSV that Excel or WPS saved?"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from points.models import AuditEntry, Household, User
from points.people.importing import import_residents

ROWS = [
    "王建国,13812340001,GL01,GL01-101",
    "王秀英,138 1234 0002,GL01,GL01-101",
    "李桂英,+8613812340003,GL01,",
]


def people_count(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def imported(session) -> list[tuple]:
    rows = session.execute(
        select(User.name, User.phone, User.village_id, Household.code)
        .outerjoin(Household, Household.id == User.household_id)
        .where(User.phone.like("1381234%"))
        .order_by(User.phone)
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_the_same_file_in_utf8_and_gbk_gives_the_same_residents(session, town, csv_file, encoding):
    result = import_residents(session, town.admin_a, csv_file(ROWS, encoding))
    assert result.errors == []
    assert result.created == 3
    a = town.village_a.id
    assert imported(session) == [
        ("王建国", "13812340001", a, "GL01-101"),
        ("王秀英", "13812340002", a, "GL01-101"),
        ("李桂英", "13812340003", a, None),
    ]


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("张三,13700000000,GL01,", "已被登记"),  # overwritten below with a real taken phone
        ("赵六,13812340009,ZZ99,", "村编码“ZZ99”不存在"),
        (",13812340009,GL01,", "姓名不能为空"),
        ("赵六,1381234,GL01,", "手机号格式不对"),
        ("赵六,13812340001,GL01,", "与第 2 行重复"),
    ],
    ids=["phone-taken", "unknown-village", "empty-name", "malformed-phone", "duplicate-in-file"],
)
def test_one_bad_row_imports_nothing_and_names_that_row(
    session, town, csv_file, bad_line, expected
):
    if expected == "已被登记":
        bad_line = f"张三,{town.resident_a2.phone},GL01,"
    before = people_count(session)
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    lines = [*ROWS[:2], bad_line, ROWS[2]]  # the bad row is Excel's row 4
    result = import_residents(session, town.admin_a, csv_file(lines, "gbk"))
    assert result.created == 0
    assert [e["row"] for e in result.errors] == [4]
    assert expected in result.errors[0]["message"]
    assert people_count(session) == before
    assert imported(session) == []
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_every_bad_row_is_reported_not_just_the_first(session, town, csv_file):
    result = import_residents(
        session, town.admin_a, csv_file(["赵六,123,GL01,", "王建国,13812340001,GL01,", ",,GL01,"])
    )
    assert [e["row"] for e in result.errors] == [2, 4]


def test_a_village_admin_cannot_import_into_another_village(session, town, csv_file):
    result = import_residents(session, town.admin_a, csv_file(["王建国,13812340001,MC03,"]))
    assert result.created == 0
    assert result.errors[0]["row"] == 2
    assert "不是您所在的村" in result.errors[0]["message"]
    assert imported(session) == []


def test_a_file_without_the_expected_header_is_refused_at_row_1(session, town):
    result = import_residents(session, town.admin_a, "name,phone\n王建国,13812340001\n".encode())
    assert result.errors[0]["row"] == 1
    assert "村编码" in result.errors[0]["message"]


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped(session, town):
    data = "户号,村编码,手机号,姓名\r\nGL01-7,GL01,13812340001,王建国\r\n,,,\r\n\r\n"
    result = import_residents(session, town.admin_a, data.encode("gbk"))
    assert result.created == 1
    assert imported(session) == [("王建国", "13812340001", town.village_a.id, "GL01-7")]


def test_import_endpoint_answers_created_and_writes_an_audit_entry(
    client, auth, session, town, csv_file
):
    answer = client.post(
        "/api/v1/residents/import",
        data={"file": (io.BytesIO(csv_file(ROWS, "gbk")), "村民.csv")},
        headers=auth.headers(town.admin_a),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["created"] == 3 and body["errors"] == []
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "residents.import"))
    assert entry.actor_id == town.admin_a.id and entry.after["created"] == 3


def test_import_endpoint_reports_bad_rows_with_422_and_excel_row_numbers(
    client, auth, town, csv_file
):
    answer = client.post(
        "/api/v1/residents/import",
        data={"file": (io.BytesIO(csv_file([ROWS[0], "赵六,12,GL01,"], "gbk")), "a.csv")},
        headers=auth.headers(town.admin_a),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert answer.get_json()["created"] == 0
    assert answer.get_json()["errors"][0]["row"] == 3


def test_import_page_lists_bad_rows_and_imports_good_files(client, auth, town, csv_file):
    auth.login(town.admin_a)
    bad = client.post(
        "/admin/residents/import",
        data={"file": (io.BytesIO(csv_file(["赵六,12,GL01,"], "gbk")), "a.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "第 2 行" in bad.get_data(as_text=True)
    good = client.post(
        "/admin/residents/import",
        data={"file": (io.BytesIO(csv_file(ROWS, "utf-8-sig")), "a.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 200
    assert "已导入 3 位村民" in good.get_data(as_text=True)


def test_import_residents_command_reads_a_gbk_file(runner, session, town, csv_file, tmp_path):
    path = tmp_path / "村民.csv"
    path.write_bytes(csv_file(ROWS, "gbk"))
    result = runner.invoke(args=["import-residents", str(path)])
    assert result.exit_code == 0, result.output
    assert len(imported(session)) == 3
    path.write_bytes(csv_file(["赵六,12,GL01,"], "gbk"))
    result = runner.invoke(args=["import-residents", str(path)])
    assert result.exit_code == 1
    assert "第 2 行" in result.output
