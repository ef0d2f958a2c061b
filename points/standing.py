"""A person's standing: balance, lifetime earned points, level."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import ledger
from points.errors import UnknownAccount
from points.models import EarnedTotal, User

# Lifetime points at which each level starts (the town may configure others).
DEFAULT_LEVELS = (
    (0, "平安新星", "Safety Newcomer"),
    (100, "平安卫士", "Safety Guard"),
    (300, "平安之星", "Safety Star"),
    (1000, "平安标兵", "Safety Champion"),
)


def lifetime_points(session: Session, user_id: int) -> int:
    points = session.scalar(
        select(EarnedTotal.points).where(
            EarnedTotal.resident_id == user_id, EarnedTotal.period == "all"
        )
    )
    return int(points or 0)


def level_for(points: int, levels=DEFAULT_LEVELS) -> dict:
    """Return the level a lifetime total reaches, with the points still needed for the next."""
    index = max(i for i, (threshold, _, _) in enumerate(levels) if points >= threshold or i == 0)
    threshold, name_zh, name_en = levels[index]
    following = levels[index + 1] if index + 1 < len(levels) else None
    return {
        "rank": index + 1,
        "name": name_zh,
        "name_en": name_en,
        "threshold": threshold,
        "next_name": following[1] if following else None,
        "points_to_next": following[0] - points if following else None,
    }


def summary(session: Session, user: User) -> dict:
    """The numbers shown on "my points" and by GET /me."""
    try:
        account = ledger.resident_account(session, user.id)
        balance, available = account.balance, account.available
    except UnknownAccount:  # a town admin has no points account
        balance = available = 0
    lifetime = lifetime_points(session, user.id)
    return {
        "id": user.id,
        "name": user.name,
        "phone": user.phone,
        "role": user.role,
        "village_id": user.village_id,
        "household_id": user.household_id,
        "balance": balance,
        "available": available,
        "lifetime_points": lifetime,
        "level": level_for(lifetime),
        "badges": [],
    }
