"""A person's standing: balance, lifetime earned points, level, badges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import ledger
from points.errors import UnknownAccount
from points.models import EarnedTotal, Setting, User, Village
from points.places import settings

Level = tuple[int, str, str]  # (lifetime points where it starts, 中文, English)

# Lifetime points at which each level starts; the town (and a village) may configure others
# with the setting `level_thresholds`.
DEFAULT_LEVELS: tuple[Level, ...] = (
    (0, "平安新星", "Safety Newcomer"),
    (100, "平安卫士", "Safety Guard"),
    (300, "平安之星", "Safety Star"),
    (1000, "平安标兵", "Safety Champion"),
)
LEVEL_SETTING = "level_thresholds"


def parse_levels(value: object) -> tuple[Level, ...]:
    """Turn a `level_thresholds` setting into levels; anything unusable gives the defaults.

    Accepted: a list of ascending numbers ([0, 50, 200, 800]: the default names in order,
    further levels numbered after the last), or a list of {points, name, name_en}.
    """
    if not isinstance(value, list) or not value:
        return DEFAULT_LEVELS
    levels: list[Level] = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            points, name, name_en = item.get("points"), item.get("name"), item.get("name_en")
        else:
            points, name, name_en = item, None, None
        if isinstance(points, bool) or not isinstance(points, int):
            return DEFAULT_LEVELS
        if name is None:
            base = DEFAULT_LEVELS[min(index, len(DEFAULT_LEVELS) - 1)]
            extra = index - len(DEFAULT_LEVELS) + 1
            name = base[1] if extra <= 0 else f"{base[1]}{extra + 1}"
            name_en = base[2] if extra <= 0 else f"{base[2]} {extra + 1}"
        levels.append((points, str(name), str(name_en or name)))
    levels.sort(key=lambda level: level[0])
    if levels[0][0] > 0:  # everyone has a level: the first one starts at zero
        levels[0] = (0, levels[0][1], levels[0][2])
    return tuple(levels)


def levels_for(session: Session, village_id: int | None) -> tuple[Level, ...]:
    """The levels a village uses: its own setting, else the town's, else the defaults."""
    return parse_levels(settings.get(session, LEVEL_SETTING, village_id))


def levels_by_village(
    session: Session, village_ids: Iterable[int | None]
) -> dict[int | None, tuple[Level, ...]]:
    """The levels of several villages at once (one query): each village's own, else its
    town's, else the city's, else the defaults."""
    wanted = {v for v in village_ids if v is not None}
    towns = dict(
        session.execute(select(Village.id, Village.town_id).where(Village.id.in_(wanted))).all()
    )
    rows = session.execute(
        select(Setting.scope, Setting.value).where(Setting.key == LEVEL_SETTING)
    ).all()
    by_scope = dict(rows)

    def levels(village_id: int | None) -> tuple[Level, ...]:
        for scope in (f"v{village_id}", f"t{towns.get(village_id)}", "city"):
            if scope in by_scope:
                return parse_levels(by_scope[scope])
        return DEFAULT_LEVELS

    return {village: levels(village) for village in set(village_ids)}


def lifetime_points(session: Session, user_id: int) -> int:
    points = session.scalar(
        select(EarnedTotal.points).where(
            EarnedTotal.resident_id == user_id, EarnedTotal.period == "all"
        )
    )
    return int(points or 0)


def level_for(points: int, levels: Sequence[Level] = DEFAULT_LEVELS) -> dict:
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
        "next_name_en": following[2] if following else None,
        "points_to_next": following[0] - points if following else None,
    }


def summary(session: Session, user: User) -> dict:
    """The numbers shown on "my points" and by GET /me."""
    from points.board import badges

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
        "level": level_for(lifetime, levels_for(session, user.village_id)),
        "badges": badges.earned_by(session, user.id),
        "leaderboard_opt_out": bool(user.leaderboard_opt_out),
    }
