"""The demo towns' rule book (积分细则), adopted by the town's villagers' representatives
half a year ago: the version every demo award is made under."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from points import rules
from points.clock import local_now

# Codes match the town's categories of work, so each event files under its rule.
BOOK = [
    {
        "code": "patrol",
        "name": "治安巡防",
        "name_en": "Night patrol",
        "description": "参加一晚夜间巡防，每人每周最多记 3 次。",
        "points": 10,
        "caps": [{"per": "resident", "period": "week", "max_times": 3}],
    },
    {
        "code": "home_visit",
        "name": "平安家访",
        "name_en": "Home visit",
        "description": "网格员上门走访、经户内成员确认的，确认的成员记 8 分，每户每月最多记 3 次。",
        "points": 8,
        "caps": [{"per": "household", "period": "month", "max_times": 3}],
    },
    {"code": "anti_fraud", "name": "反诈宣传", "name_en": "Anti-fraud talk", "points": 5},
    {"code": "fire_drill", "name": "消防演练", "name_en": "Fire drill", "points": 10},
    {
        "code": "hazard",
        "name": "隐患排查",
        "name_en": "Hazard report",
        "description": "第一个报告并经网格员核实的记 10 分，之后报告同一隐患的记 1 分。",
        "unit": "report",
        "points": 10,
        "first_reporter_only": True,
        "later_reporter_points": 1,
        "needs_evidence": True,
        "publicity_days": 3,
    },
    {
        "code": "mediation",
        "name": "矛盾调解",
        "name_en": "Dispute mediation",
        "unit": "case",
        "tiers": [
            {"name": "一般", "name_en": "simple", "points": 10},
            {"name": "较复杂", "name_en": "complex", "points": 30},
            {"name": "重大", "name_en": "major", "points": 50},
        ],
        "confirm_by": "village_admin",
        "publicity_days": 7,
    },
    {"code": "publicity", "name": "平安宣传", "name_en": "Safety publicity", "points": 5},
    {
        "code": "volunteer",
        "name": "志愿服务",
        "name_en": "Volunteer hour",
        "description": "每服务 1 小时记 2 分，每次活动最多记 2 小时。",
        "unit": "hour",
        "points": 2,
        "caps": [{"per": "resident", "period": "event", "max_times": 2}],
    },
    {
        "code": "burning",
        "name": "露天焚烧",
        "name_en": "Open burning",
        "kind": "deduct",
        "points": 10,
        "confirm_by": "village_admin",
        "needs_evidence": True,
    },
    {
        "code": "wiring",
        "name": "私拉电线",
        "name_en": "Unsafe wiring",
        "kind": "deduct",
        "points": 10,
        "confirm_by": "village_admin",
    },
]


def seed_book(session: Session, town_id: int) -> None:
    """The town's adopted book, in force since six months ago (before the demo's history)."""
    today = local_now().date()
    adopted = today - timedelta(days=190)
    rules.publish(
        session,
        None,
        town_id=town_id,
        adoption=rules.Adoption(
            effective_from=adopted + timedelta(days=10),
            adopted_on=adopted,
            body="村民代表大会",
            votes_for=46,
            votes_against=1,
            votes_abstain=2,
            note="经各村村民代表大会讨论通过，户代表签字确认。",
        ),
        items=BOOK,
    )
