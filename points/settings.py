"""Scheme settings: a village's own value, else the town default, else the built-in one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.models import Setting

DEFAULTS: dict[str, Any] = {
    "checkin_rotate_seconds": 30,
    "checkin_opens_before_minutes": 30,
    "checkin_closes_after_minutes": 0,
    "level_thresholds": [0, 100, 300, 1000],
    "deduction_rules": [],
    "monthly_redemption_limit": None,
}


def get(session: Session, key: str, village_id: int | None = None, default: Any = None) -> Any:
    """Return the setting for a village (falling back to the town's, then `default`, then ours)."""
    rows = session.execute(
        select(Setting.village_id, Setting.value).where(
            Setting.key == key,
            (Setting.village_id == village_id) | Setting.village_id.is_(None),
        )
    ).all()
    by_scope = {village: value for village, value in rows}
    if village_id is not None and village_id in by_scope:
        return by_scope[village_id]
    if None in by_scope:
        return by_scope[None]
    return default if default is not None else DEFAULTS.get(key)


def put(session: Session, key: str, value: Any, village_id: int | None = None) -> Setting:
    """Set a value inside the caller's transaction."""
    row = session.scalar(
        select(Setting).where(
            Setting.key == key,
            Setting.village_id.is_(village_id)
            if village_id is None
            else Setting.village_id == village_id,
        )
    )
    if row is None:
        row = Setting(key=key, village_id=village_id, value=value)
        session.add(row)
    else:
        row.value = value
    session.flush()
    return row
