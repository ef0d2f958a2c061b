"""Exports for the village committee's spreadsheets: ledger, check-ins, redemptions, residents.

A report is a title, a header and rows, filtered by village and a date range (Asia/Shanghai
calendar days, `to` inclusive). CSV carries a UTF-8 BOM so that Excel opens it in Chinese;
XLSX is written by openpyxl.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session, aliased

from points import policy
from points.clock import day_start_utc, local_time
from points.errors import N_, DomainError
from points.errors import render as translate
from points.models import (
    Account,
    Checkin,
    EarnedTotal,
    Event,
    Household,
    Redemption,
    Reward,
    Transfer,
    User,
    Village,
)
from points.places import get_town, in_place, village_place
from points.policy import Place

KINDS = ("ledger", "checkins", "redemptions", "residents", "cases")
FORMATS = ("csv", "xlsx")


class UnknownReport(DomainError):
    code = "unknown_report"
    category = "not_found"
    template = N_("没有这种报表：%(kind)s")


class BadDateRange(DomainError):
    code = "bad_date_range"
    template = N_("日期范围不对：开始日期晚于结束日期。")


@dataclass(frozen=True)
class Filter:
    """A place (one village, one town, or the whole city when both are None) and dates."""

    village_id: int | None = None
    start: date | None = None
    end: date | None = None  # inclusive
    town_id: int | None = None

    @property
    def place(self) -> Place:
        return Place(self.town_id, self.village_id)

    def utc_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[from, to) in naive UTC, as times are stored."""
        start = day_start_utc(self.start) if self.start else None
        end = day_start_utc(self.end + timedelta(days=1)) if self.end else None
        return start, end


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return local_time(moment, "%Y-%m-%d %H:%M:%S")


def scope_filter(
    session: Session,
    actor: User,
    village_id: int | None,
    start: date | None,
    end: date | None,
    *,
    town_id: int | None = None,
) -> Filter:
    """The filter an actor may use: a village or town of their scope, else all of it."""
    if village_id is not None:
        place = village_place(session, village_id)
    elif town_id is not None:
        place = Place(get_town(session, town_id).id)
    else:
        place = policy.scope_of(actor)
    policy.ensure_may_see_reports(actor, place)
    if start and end and start > end:
        raise BadDateRange()
    return Filter(place.village_id, start, end, place.town_id)


@dataclass
class Report:
    kind: str
    title: str
    header: list[str]
    rows: list[list]
    summary: list[list] | None = None  # a second sheet / block of totals

    def filename(self, fmt: str, flt: Filter) -> str:
        parts = [self.kind]
        if flt.village_id:
            parts.append(f"v{flt.village_id}")
        elif flt.town_id:
            parts.append(f"t{flt.town_id}")
        if flt.start:
            parts.append(flt.start.isoformat())
        if flt.end:
            parts.append(flt.end.isoformat())
        return "-".join(parts) + f".{fmt}"


def build(session: Session, kind: str, flt: Filter) -> Report:
    """Make the named report for a filter."""
    makers = {
        "ledger": ledger_report,
        "checkins": checkins_report,
        "redemptions": redemptions_report,
        "residents": residents_report,
        "cases": cases_report,
    }
    if kind not in makers:
        raise UnknownReport(kind=kind)
    return makers[kind](session, flt)


def _between(query, column, flt: Filter):
    start, end = flt.utc_bounds()
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column < end)
    return query


def _account_names(session: Session, ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    kinds = {"issuance": translate("发放账户"), "redeemed": translate("兑换账户")}
    rows = session.execute(
        select(Account.id, Account.kind, Account.user_id, User.name, Village.name)
        .outerjoin(User, User.id == Account.user_id)
        .outerjoin(Village, Village.id == Account.village_id)
        .where(Account.id.in_(ids))
    )
    for account_id, kind, _user_id, user_name, village_name in rows:
        names[account_id] = user_name if kind == "resident" else f"{village_name}{kinds[kind]}"
    return names


def ledger_rows(session: Session, flt: Filter) -> Iterator[Transfer]:
    debit, credit = aliased(Account), aliased(Account)
    query = (
        select(Transfer)
        .join(debit, debit.id == Transfer.debit_account_id)
        .join(credit, credit.id == Transfer.credit_account_id)
        .order_by(Transfer.id)
    )
    if flt.village_id is not None or flt.town_id is not None:
        query = query.where(
            or_(in_place(debit.village_id, flt.place), in_place(credit.village_id, flt.place))
        )
    return session.scalars(_between(query, Transfer.created_at, flt))


def _ledger_header() -> list[str]:
    return [
        translate(h)
        for h in ("编号", "时间", "类型", "阶段", "转出账户", "转入账户", "积分", "备注", "关联")
    ] + ["hash"]


def _ledger_line(t, names: dict[int, str]) -> list:
    return [
        t.id,
        _local(t.created_at),
        t.kind,
        t.phase,
        names.get(t.debit_account_id, t.debit_account_id),
        names.get(t.credit_account_id, t.credit_account_id),
        t.amount,
        t.memo,
        t.reference or "",
        t.hash,
    ]


def _ledger_summary(totals: dict[tuple[str, str], tuple[int, int]]) -> list[list]:
    summary = [[translate("类型"), translate("阶段"), translate("笔数"), translate("积分")]]
    summary += [[k, p, c, a] for (k, p), (c, a) in sorted(totals.items())]
    summary.append(
        [
            translate("合计"),
            "",
            sum(c for c, _ in totals.values()),
            sum(a for _, a in totals.values()),
        ],
    )
    return summary


def ledger_report(session: Session, flt: Filter) -> Report:
    transfers = list(ledger_rows(session, flt))
    names = _account_names(
        session, {t.debit_account_id for t in transfers} | {t.credit_account_id for t in transfers}
    )
    rows, totals = [], {}
    for t in transfers:
        rows.append(_ledger_line(t, names))
        count, amount = totals.get((t.kind, t.phase), (0, 0))
        totals[(t.kind, t.phase)] = (count + 1, amount + t.amount)
    return Report("ledger", translate("积分流水"), _ledger_header(), rows, _ledger_summary(totals))


STREAM_CHUNK = 5000
NAMES_KEPT = 50_000


def ledger_streamed(session: Session, flt: Filter) -> Report:
    """The ledger report with its rows read as they are written out (a year of a city does
    not fit in memory): plain rows, a few thousand at a time, names looked up per chunk
    (a bounded cache); the totals sheet is filled once the rows have all gone by."""
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    summary: list[list] = []
    columns = Transfer.__table__.columns
    debit, credit = aliased(Account), aliased(Account)
    query = (
        select(*columns)
        .join(debit, debit.id == columns.debit_account_id)
        .join(credit, credit.id == columns.credit_account_id)
        .order_by(columns.id)
    )
    if flt.village_id is not None or flt.town_id is not None:
        query = query.where(
            or_(in_place(debit.village_id, flt.place), in_place(credit.village_id, flt.place))
        )
    query = _between(query, columns.created_at, flt)

    def lines() -> Iterator[list]:
        names: dict[int, str] = {}
        result = session.execute(query.execution_options(yield_per=STREAM_CHUNK))
        for part in result.partitions():
            wanted = {t.debit_account_id for t in part} | {t.credit_account_id for t in part}
            wanted -= names.keys()
            if len(names) + len(wanted) > NAMES_KEPT:
                names.clear()
                wanted = {t.debit_account_id for t in part} | {t.credit_account_id for t in part}
            if wanted:
                names.update(_account_names(session, wanted))
            for t in part:
                count, amount = totals.get((t.kind, t.phase), (0, 0))
                totals[(t.kind, t.phase)] = (count + 1, amount + t.amount)
                yield _ledger_line(t, names)
        summary.extend(_ledger_summary(totals))

    return Report("ledger", translate("积分流水"), _ledger_header(), lines(), summary)


def checkins_report(session: Session, flt: Filter) -> Report:
    query = (
        select(Checkin, Event.title, User.name, User.phone, Household.code, Transfer.id)
        .join(Event, Event.id == Checkin.event_id)
        .join(User, User.id == Checkin.resident_id)
        .outerjoin(Household, Household.id == User.household_id)
        .outerjoin(Transfer, Transfer.reference == "reverse:" + _as_text(Checkin.transfer_id))
        .order_by(Checkin.id)
    )
    query = query.where(in_place(Checkin.village_id, flt.place))
    query = _between(query, Checkin.created_at, flt)
    header = [
        translate(h)
        for h in ("编号", "时间", "活动", "姓名", "手机号", "户号", "方式", "积分", "已撤销")
    ]
    rows = [
        [
            c.id,
            _local(c.created_at),
            title,
            name,
            phone,
            household or "",
            c.method,
            c.points,
            translate("是") if reversal else "",
        ]
        for c, title, name, phone, household, reversal in session.execute(query)
    ]
    return Report("checkins", translate("签到记录"), header, rows)


def _as_text(column):
    return cast(column, String)


def redemptions_report(session: Session, flt: Filter) -> Report:
    query = (
        select(Redemption, Reward.name, User.name, User.phone)
        .join(Reward, Reward.id == Redemption.reward_id)
        .join(User, User.id == Redemption.resident_id)
        .order_by(Redemption.id)
    )
    query = query.where(in_place(Redemption.village_id, flt.place))
    query = _between(query, Redemption.created_at, flt)
    header = [
        translate(h)
        for h in (
            "编号",
            "申请时间",
            "姓名",
            "手机号",
            "商品",
            "数量",
            "积分",
            "状态",
            "审核时间",
            "领取时间",
            "兑换码",
            "原因",
        )
    ]
    rows = [
        [
            r.id,
            _local(r.created_at),
            name,
            phone,
            reward,
            r.quantity,
            r.points,
            r.status,
            _local(r.decided_at),
            _local(r.fulfilled_at),
            r.voucher_code or "",
            r.reason,
        ]
        for r, reward, name, phone in session.execute(query)
    ]
    return Report("redemptions", translate("兑换记录"), header, rows)


def residents_report(session: Session, flt: Filter) -> Report:
    lifetime = aliased(EarnedTotal)
    query = (
        select(User, Village.code, Household.code, Account, lifetime.points)
        .outerjoin(Village, Village.id == User.village_id)
        .outerjoin(Household, Household.id == User.household_id)
        .outerjoin(Account, Account.user_id == User.id)
        .outerjoin(lifetime, (lifetime.resident_id == User.id) & (lifetime.period == "all"))
        .where(User.village_id.is_not(None))
        .order_by(User.village_id, User.id)
    )
    query = query.where(in_place(User.village_id, flt.place))
    query = _between(query, User.created_at, flt)
    header = [
        translate(h)
        for h in (
            "编号",
            "姓名",
            "手机号",
            "村编码",
            "户号",
            "角色",
            "状态",
            "积分余额",
            "可用积分",
            "累计获得",
            "登记时间",
        )
    ]
    rows = [
        [
            u.id,
            u.name,
            u.phone,
            village or "",
            household or "",
            u.role,
            translate("正常") if u.active else translate("停用"),
            account.balance if account else 0,
            account.available if account else 0,
            int(earned or 0),
            _local(u.created_at),
        ]
        for u, village, household, account, earned in session.execute(query)
    ]
    return Report("residents", translate("村民名单"), header, rows)


def cases_report(session: Session, flt: Filter) -> Report:
    """Hazard reports and disputes (隐患 · 矛盾纠纷) reported in the range."""
    from points.cases import measures  # (cases → admin.audit → here)

    rows = list(measures.report_rows(session, flt.place, flt.start, flt.end))
    return Report("cases", translate("隐患与纠纷"), measures.report_header(), rows)


# --- file formats -----------------------------------------------------------------------
def _safe_cell(value):
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(report: Report) -> bytes:
    """CSV with a UTF-8 BOM, so that Excel shows the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(report.header)
    for row in report.rows:
        writer.writerow([_safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(report: Report) -> bytes:
    """An Excel workbook: the rows, and the totals on a second sheet when there are any."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(report.title[:31])
    sheet.append(report.header)
    for row in report.rows:
        sheet.append([_safe_cell(v) for v in row])
    if report.summary:
        totals = book.create_sheet(translate("汇总"))
        for row in report.summary:
            totals.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stream(report: Report, fmt: str) -> Iterator[bytes]:
    """The report's file in pieces, its rows read as they are written (memory bounded):
    CSV line by line; XLSX by openpyxl's write-only workbook, which spools rows to a
    temporary file, then read back in pieces."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def taken() -> bytes:
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text.encode()

        writer.writerow(report.header)
        yield "\ufeff".encode() + taken()  # the BOM, so that Excel shows the Chinese right
        for n, row in enumerate(report.rows, 1):
            writer.writerow([_safe_cell(v) for v in row])
            if n % STREAM_CHUNK == 0:
                yield taken()
        yield taken()
        return
    if fmt != "xlsx":
        raise UnknownReport(kind=fmt)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(report.title[:31])
    sheet.append(report.header)
    for row in report.rows:
        sheet.append([_safe_cell(v) for v in row])
    if report.summary:
        totals = book.create_sheet(translate("汇总"))
        for row in report.summary:
            totals.append(row)
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
        spool.seek(0)
        while piece := spool.read(1 << 20):
            yield piece


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(report: Report, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    raise UnknownReport(kind=fmt)


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD date from a query string, or None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise BadDay(value=text) from exc


class BadDay(DomainError):
    code = "bad_date"
    template = N_("日期格式应为 年-月-日（如 2026-11-01）：%(value)s")
