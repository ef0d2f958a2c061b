"""Badges (徽章): recognition computed from the ledger and the check-ins, never stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points.clock import local
from points.errors import N_, render
from points.models import Account, Checkin, Event, EventCategory, Transfer


@dataclass(frozen=True)
class Badge:
    code: str
    icon: str
    name: str  # 中文
    name_en: str
    description: str  # Chinese msgid


BADGES = (
    Badge("first_checkin", "🎯", "初次签到", "First check-in", N_("第一次参加平安活动并签到")),
    Badge("patrol_10", "🔦", "巡防能手", "10 patrols", N_("参加 10 次治安巡防")),
    Badge("anti_fraud_3", "📢", "反诈先锋", "Anti-fraud voice", N_("参加 3 次反诈宣传")),
    Badge("three_months", "📅", "月月参与", "Three months running", N_("连续 3 个月都有签到")),
    Badge("first_redemption", "🛒", "首次兑换", "First redemption", N_("第一次在积分超市兑换")),
)
BY_CODE = {badge.code: badge for badge in BADGES}
PATROLS_NEEDED = 10
ANTI_FRAUD_NEEDED = 3
MONTHS_IN_A_ROW = 3


def month_index(moment: datetime) -> int:
    """A stored UTC time's Shanghai month as a running number (consecutive months differ by 1)."""
    here = local(moment)
    return here.year * 12 + here.month - 1


def has_run(months: Iterable[int], length: int = MONTHS_IN_A_ROW) -> bool:
    """Whether the months contain `length` consecutive ones."""
    ordered = sorted(set(months))
    run = 0
    for i, month in enumerate(ordered):
        run = run + 1 if i and month == ordered[i - 1] + 1 else 1
        if run >= length:
            return True
    return False


def codes_for(session: Session, resident_ids: Iterable[int]) -> dict[int, list[str]]:
    """The badge codes each resident has earned, in the order of BADGES (a few queries)."""
    ids = sorted(set(resident_ids))
    found: dict[int, set[str]] = defaultdict(set)
    if not ids:
        return {}
    per_category = session.execute(
        select(Checkin.resident_id, EventCategory.code, func.count())
        .join(Event, Event.id == Checkin.event_id)
        .join(EventCategory, EventCategory.id == Event.category_id)
        .where(Checkin.resident_id.in_(ids))
        .group_by(Checkin.resident_id, EventCategory.code)
    ).all()
    for resident_id, code, count in per_category:
        found[resident_id].add("first_checkin")
        if code == "patrol" and count >= PATROLS_NEEDED:
            found[resident_id].add("patrol_10")
        if code == "anti_fraud" and count >= ANTI_FRAUD_NEEDED:
            found[resident_id].add("anti_fraud_3")
    months: dict[int, set[int]] = defaultdict(set)
    for resident_id, created_at in session.execute(
        select(Checkin.resident_id, Checkin.created_at).where(Checkin.resident_id.in_(ids))
    ):
        months[resident_id].add(month_index(created_at))
    for resident_id, seen in months.items():
        if has_run(seen):
            found[resident_id].add("three_months")
    redeemed = session.scalars(
        select(Account.user_id)
        .join(Transfer, Transfer.debit_account_id == Account.id)
        .where(
            Account.user_id.in_(ids),
            Transfer.kind == "redeem",
            Transfer.phase.in_(("single", "post")),
        )
        .distinct()
    )
    for resident_id in redeemed:
        found[resident_id].add("first_redemption")
    return {rid: [b.code for b in BADGES if b.code in found[rid]] for rid in ids}


def as_dict(code: str) -> dict:
    """A badge as the pages and the API show it (description in the reader's language)."""
    badge = BY_CODE[code]
    return {
        "code": badge.code,
        "icon": badge.icon,
        "name": badge.name,
        "name_en": badge.name_en,
        "description": render(badge.description),
    }


def earned_by(session: Session, resident_id: int) -> list[dict]:
    """One resident's badges, for "my points" and GET /me."""
    return [as_dict(code) for code in codes_for(session, [resident_id]).get(resident_id, [])]
