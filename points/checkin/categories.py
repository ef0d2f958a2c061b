"""The scheme's event categories with their default points (the town admin may edit them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.models import EventCategory

# code, 中文, English, default points
DEFAULT_CATEGORIES = (
    ("patrol", "治安巡防", "Night patrol", 10),
    ("home_visit", "平安家访", "Home visit", 8),
    ("anti_fraud", "反诈宣传", "Anti-fraud talk", 5),
    ("fire_drill", "消防演练", "Fire drill", 10),
    ("hazard", "隐患排查", "Hazard report", 6),
    ("mediation", "矛盾调解", "Mediation", 15),
    ("publicity", "平安宣传", "Safety publicity", 5),
    ("volunteer", "志愿服务", "Volunteer service", 8),
)


def ensure_categories(session: Session) -> None:
    """Add any default category that is missing (never overwrites edits)."""
    have = set(session.scalars(select(EventCategory.code)))
    for order, (code, zh, en, points) in enumerate(DEFAULT_CATEGORIES):
        if code not in have:
            session.add(
                EventCategory(
                    code=code, name_zh=zh, name_en=en, default_points=points, sort_order=order
                )
            )
    session.flush()
