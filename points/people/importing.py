"""Import residents from a CSV file saved by Excel or WPS: every row or none.

Excel and WPS in China save CSV as GBK (code page 936) unless told otherwise; newer Excel
saves UTF-8 with a BOM. Rows are numbered as the spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import people, policy
from points.admin import audit
from points.db import write_transaction
from points.errors import N_, DomainError, Forbidden, PhoneTaken, render
from points.models import User, Village

COLUMNS = ("姓名", "手机号", "村编码", "户号")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class UnreadableFile(DomainError):
    code = "unreadable_file"
    template = N_("无法读取文件：%(detail)s")


@dataclass
class ImportResult:
    created: int = 0
    errors: list[dict] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    """Text of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(detail=render("文件超过 5 MB"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: one decoder reads all three.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(detail=render("不是 UTF-8 或 GBK 编码的 CSV")) from exc


@dataclass(frozen=True)
class _Row:
    number: int
    name: str
    phone: str
    village_id: int
    household: str


def _read_rows(text: str) -> tuple[list[list[str]], list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UnreadableFile(detail=render("文件是空的"))
    header = [cell.strip() for cell in rows[0]]
    return rows[1:], header


def import_residents(session: Session, actor: User | None, data: bytes) -> ImportResult:
    """Validate every row, then create all residents in one transaction, or none.

    `actor` None is the command line (the operator of the server: every village).
    """
    if actor is not None:
        policy.ensure_may_import(actor, policy.scope_of(actor))
    body, header = _read_rows(decode(data))
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        message = render("表头缺少列：%(columns)s", columns="、".join(missing))
        return ImportResult(errors=[{"row": 1, "message": message}])
    if len(body) > MAX_ROWS:
        raise UnreadableFile(detail=render("一次最多导入 %(n)s 行", n=MAX_ROWS))
    where = {name: header.index(name) for name in COLUMNS}
    villages = {v.code: v for v in session.scalars(select(Village))}
    result = ImportResult()
    seen_phones: dict[str, int] = {}
    good: list[_Row] = []
    for number, cells in enumerate(body, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines Excel leaves at the end
        cells = cells + [""] * (len(header) - len(cells))
        value = {name: cells[where[name]].strip() for name in COLUMNS}
        try:
            row = _check_row(session, actor, number, value, villages, seen_phones)
        except DomainError as error:
            result.errors.append({"row": number, "message": error.message})
            continue
        good.append(row)
    if result.errors:
        return result
    if not good:
        return ImportResult(errors=[{"row": 2, "message": render("文件里没有村民。")}])
    failed: list[dict] = []
    try:
        with write_transaction(session):
            _write(session, actor, good, result, failed)
    except DomainError:
        if not failed:
            raise
        # Someone registered one of these phones meanwhile: nothing was written.
        return ImportResult(errors=failed)
    result.created = len(good)
    return result


def _write(
    session: Session, actor: User | None, good: list[_Row], result: ImportResult, failed: list[dict]
) -> None:
    for row in good:
        try:
            person = people.add_person(
                session,
                people.NewPerson(
                    name=row.name,
                    phone=row.phone,
                    village_id=row.village_id,
                    household_code=row.household or None,
                ),
                actor=actor,
            )
        except DomainError as error:
            failed.append({"row": row.number, "message": error.message})
            raise
        result.ids.append(person.id)
    villages_touched = sorted({row.village_id for row in good})
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="residents.import",
        village_id=villages_touched[0] if len(villages_touched) == 1 else None,
        target_type="import",
        target_id=len(good),
        after={"created": len(good), "villages": villages_touched},
    )


def _check_row(
    session: Session,
    actor: User | None,
    number: int,
    value: dict[str, str],
    villages: dict[str, Village],
    seen_phones: dict[str, int],
) -> _Row:
    name = people.clean_name(value["姓名"])
    phone = people.normalise_phone(value["手机号"])
    code = value["村编码"]
    village = villages.get(code)
    if village is None:
        raise UnknownVillageCode(code=code)
    if actor is not None:
        try:
            policy.ensure_may_import(actor, policy.Place(village.town_id, village.id))
        except Forbidden as refused:
            raise OtherVillageRow(code=code) from refused
    if phone in seen_phones:
        raise DuplicateInFile(phone=phone, row=seen_phones[phone])
    if session.scalar(select(User.id).where(User.phone == phone)):
        raise PhoneTaken(phone=phone)
    household = value["户号"]
    if len(household) > 32:
        raise HouseholdTooLong()
    seen_phones[phone] = number
    return _Row(number, name, phone, village.id, household)


class UnknownVillageCode(DomainError):
    code = "unknown_village"
    template = N_("村编码“%(code)s”不存在。")


class OtherVillageRow(DomainError):
    code = "other_village"
    category = "forbidden"
    template = N_("村编码“%(code)s”不是您所在的村，不能导入。")


class DuplicateInFile(DomainError):
    code = "duplicate_phone"
    template = N_("手机号 %(phone)s 与第 %(row)s 行重复。")


class HouseholdTooLong(DomainError):
    code = "household_too_long"
    template = N_("户号不超过 32 个字符。")
