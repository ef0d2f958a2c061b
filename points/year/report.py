"""The committee's year-end report (年终报告): per village, read from the ledger.

For a Shanghai calendar year: points issued under each rule (awards and additions from the
village's issuance account, 公示 holds counted when posted), deducted (deductions and
reversals back to it), redeemed, expired, outstanding at the year's end (what residents'
accounts held: posted credits less posted debits up to the last moment of the year),
participation (residents given at least one award ÷ residents now) and the top households
by their yearly score (points.households: base + members' earned points + household items).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from points import policy
from points.clock import day_start_utc
from points.errors import N_, InvalidInput
from points.errors import render as translate
from points.households import items as household_items
from points.models import (
    Account,
    EarnedTotal,
    Household,
    RuleVersion,
    Town,
    Transfer,
    User,
    Village,
)
from points.places import in_place
from points.policy import Place

TOP_HOUSEHOLDS = 5
NO_RULE = N_("未按细则（手工加分）")
POSTED = ("single", "post")


@dataclass
class VillageYear:
    village_id: int
    village: str
    town: str
    issued_by_rule: list[tuple[str, int]] = field(default_factory=list)
    issued: int = 0
    deducted: int = 0
    redeemed: int = 0
    expired: int = 0
    outstanding: int = 0
    residents: int = 0
    participants: int = 0
    top_households: list[tuple[str, int]] = field(default_factory=list)

    @property
    def participation(self) -> float:
        return self.participants / self.residents if self.residents else 0.0


def bounds(year: int):
    if not 2000 <= year <= 2999:
        raise InvalidInput(detail=f"year {year}")
    return day_start_utc(date(year, 1, 1)), day_start_utc(date(year + 1, 1, 1))


def for_place(session: Session, actor, place: Place, year: int) -> list[VillageYear]:
    """The report of every village in a place the admin is over."""
    policy.ensure_may_see_year_report(actor, place)
    rows = session.execute(
        select(Village.id, Village.name, Town.name)
        .join(Town, Town.id == Village.town_id)
        .where(in_place(Village.id, place))
        .order_by(Village.town_id, Village.id)
    ).all()
    return [village_year(session, vid, year, name, town) for vid, name, town in rows]


def village_year(
    session: Session, village_id: int, year: int, name: str = "", town: str = ""
) -> VillageYear:
    start, end = bounds(year)
    found = VillageYear(village_id, name, town)
    accounts = dict(
        session.execute(
            select(Account.kind, Account.id).where(
                Account.village_id == village_id, Account.kind.in_(("issuance", "redeemed"))
            )
        ).all()
    )
    residents = (
        select(Account.id)
        .join(User, User.id == Account.user_id)
        .where(Account.kind == "resident", User.village_id == village_id)
    )
    issuance, redeemed = accounts.get("issuance"), accounts.get("redeemed")
    in_year = (Transfer.created_at >= start, Transfer.created_at < end)

    hold = aliased(Transfer)
    version = func.coalesce(Transfer.rule_version_id, hold.rule_version_id)
    by_rule = session.execute(
        select(RuleVersion.name_zh, func.sum(Transfer.amount))
        .select_from(Transfer)
        .outerjoin(hold, hold.id == Transfer.pending_id)
        .outerjoin(RuleVersion, RuleVersion.id == version)
        .where(
            Transfer.debit_account_id == issuance,
            Transfer.credit_account_id.in_(residents),
            Transfer.kind.in_(("award", "adjust")),
            Transfer.phase.in_(POSTED),
            *in_year,
        )
        .group_by(RuleVersion.name_zh)
    ).all()
    merged: dict[str, int] = defaultdict(int)
    for rule, points in by_rule:
        merged[rule or translate(NO_RULE)] += int(points)
    found.issued_by_rule = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    found.issued = sum(merged.values())

    def total(*where) -> int:
        return int(
            session.scalar(
                select(func.coalesce(func.sum(Transfer.amount), 0)).where(
                    Transfer.phase.in_(POSTED), *where
                )
            )
            or 0
        )

    from_residents = Transfer.debit_account_id.in_(residents)
    found.deducted = total(
        from_residents,
        Transfer.credit_account_id == issuance,
        Transfer.kind.in_(("adjust", "reverse")),
        *in_year,
    )
    found.redeemed = total(from_residents, Transfer.credit_account_id == redeemed, *in_year)
    found.expired = total(from_residents, Transfer.kind == "expire", *in_year)
    found.outstanding = total(
        Transfer.credit_account_id.in_(residents), Transfer.created_at < end
    ) - total(from_residents, Transfer.created_at < end)
    found.residents = int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.village_id == village_id, User.role == "resident")
        )
        or 0
    )
    found.participants = int(
        session.scalar(
            select(func.count(func.distinct(Transfer.credit_account_id))).where(
                Transfer.debit_account_id == issuance,
                Transfer.credit_account_id.in_(residents),
                Transfer.kind.in_(("award", "adjust")),
                Transfer.phase.in_(POSTED),
                *in_year,
            )
        )
        or 0
    )
    found.top_households = top_households(session, village_id, year)
    return found


def top_households(session: Session, village_id: int, year: int) -> list[tuple[str, int]]:
    """The village's best households of the year by score (base + earned + items)."""
    base = household_items.base_for(session, village_id)
    earned = dict(
        session.execute(
            select(User.household_id, func.sum(EarnedTotal.points))
            .join(User, User.id == EarnedTotal.resident_id)
            .join(Household, Household.id == User.household_id)
            .where(Household.village_id == village_id, EarnedTotal.period == f"y{year}")
            .group_by(User.household_id)
        ).all()
    )
    own = household_items.items_by_household(session, village_id, year)
    homes = session.execute(
        select(Household.id, Household.code).where(Household.village_id == village_id)
    ).all()
    scored = [(code, base + int(earned.get(hid) or 0) + own.get(hid, 0)) for hid, code in homes]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:TOP_HOUSEHOLDS]


def to_xlsx(report: list[VillageYear], year: int) -> bytes:
    """The report as a workbook (openpyxl write-only): villages, points per rule, households."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate(N_("各村汇总")))
    sheet.append(
        [
            translate(N_("镇")),
            translate(N_("村")),
            translate(N_("发放")),
            translate(N_("扣减")),
            translate(N_("兑换")),
            translate(N_("到期")),
            translate(N_("年末结余")),
            translate(N_("参与人数")),
            translate(N_("村民人数")),
            translate(N_("参与率")),
        ]
    )
    for v in report:
        sheet.append(
            [
                v.town,
                v.village,
                v.issued,
                v.deducted,
                v.redeemed,
                v.expired,
                v.outstanding,
                v.participants,
                v.residents,
                round(v.participation, 4),
            ]
        )
    rules_sheet = book.create_sheet(translate(N_("按条款发放")))
    rules_sheet.append([translate(N_("村")), translate(N_("条款")), translate(N_("积分"))])
    for v in report:
        for rule, points in v.issued_by_rule:
            rules_sheet.append([v.village, rule, points])
    homes = book.create_sheet(translate(N_("优秀家庭")))
    homes.append(
        [translate(N_("村")), translate(N_("名次")), translate(N_("户号")), translate(N_("户积分"))]
    )
    for v in report:
        for rank, (code, points) in enumerate(v.top_households, 1):
            homes.append([v.village, rank, code, points])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
