"""The test town's rule book: items with caps, tiers and a deduction, and publishing it."""

from __future__ import annotations

from datetime import date

from points import rules

# In force from the first of 2026 (the town's carried-over book is version 1).
FROM = date(2026, 1, 1)

ITEMS = [
    {
        "code": "patrol",
        "name": "巡防",
        "name_en": "Night patrol",
        "points": 10,
        "caps": [{"per": "resident", "period": "week", "max_times": 3}],
    },
    {
        "code": "sorting",
        "name": "垃圾分类",
        "points": 2,
        "caps": [{"per": "household", "period": "month", "max_times": 3}],
    },
    {
        "code": "mediation",
        "name": "矛盾调解",
        "tiers": [
            {"name": "一般", "points": 10},
            {"name": "较复杂", "points": 30},
            {"name": "重大", "points": 50},
        ],
        "unit": "case",
    },
    {"code": "burning", "name": "露天焚烧", "kind": "deduct", "points": 10},
]


def publish(session, town, items=None, *, effective_from=FROM, actor=None, votes=(41, 2, 1)):
    return rules.publish(
        session,
        actor,
        town_id=town.town.id,
        adoption=rules.Adoption(
            effective_from=effective_from,
            adopted_on=effective_from,
            body="村民代表大会",
            votes_for=votes[0],
            votes_against=votes[1],
            votes_abstain=votes[2],
        ),
        items=items or ITEMS,
    )
