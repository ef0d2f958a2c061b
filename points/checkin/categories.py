"""Each town's event categories (kinds of safety work) with their default points; its admins
may change the points."""

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


def ensure_categories(session: Session, town_id: int) -> None:
    """Give a town any default category it lacks (never overwrites its edits)."""
    have = set(session.scalars(select(EventCategory.code).where(EventCategory.town_id == town_id)))
    for order, (code, zh, en, points) in enumerate(DEFAULT_CATEGORIES):
        if code not in have:
            session.add(
                EventCategory(
                    town_id=town_id,
                    code=code,
                    name_zh=zh,
                    name_en=en,
                    default_points=points,
                    sort_order=order,
                )
            )
    session.flush()
