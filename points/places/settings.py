"""Scheme settings: a village's own value, else the town default, else the built-in one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from points.admin import audit
from points.auth import ensure_village, sees_all_villages
from points.db import write_transaction
from points.errors import N_, DomainError, Forbidden
from points.i18n import translate
from points.models import Setting, User

DEFAULTS: dict[str, Any] = {
    "checkin_rotate_seconds": 30,
    "checkin_opens_before_minutes": 30,
    "checkin_closes_after_minutes": 0,
    "level_thresholds": [0, 100, 300, 1000],
    "deduction_rules": [],
    "monthly_redemption_limit": None,
}


# Read on every scan (the rotating code's step): built once, run as plain Core.
_settings = Setting.__table__
_LOOKUP = select(_settings.c.village_id, _settings.c.value).where(
    _settings.c.key == bindparam("key"),
    (_settings.c.village_id == bindparam("village_id")) | _settings.c.village_id.is_(None),
)


def get(session: Session, key: str, village_id: int | None = None, default: Any = None) -> Any:
    """Return the setting for a village (falling back to the town's, then `default`, then ours)."""
    rows = session.connection().execute(_LOOKUP, {"key": key, "village_id": village_id}).all()
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


# --- changing settings (admins) ---------------------------------------------------------
class BadSetting(DomainError):
    code = "bad_setting"
    template = N_("设置“%(key)s”不正确：%(detail)s")


LABELS = {
    "checkin_rotate_seconds": N_("签到码刷新间隔（秒）"),
    "checkin_opens_before_minutes": N_("活动开始前多少分钟开放签到"),
    "checkin_closes_after_minutes": N_("活动结束后多少分钟停止签到"),
    "level_thresholds": N_("等级门槛（累计积分）"),
    "deduction_rules": N_("加扣分规则"),
    "monthly_redemption_limit": N_("每人每月兑换上限（积分）"),
}


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadSetting(key=translate(LABELS[key]), detail=f"{low}–{high}")
    return value


def clean_value(key: str, value: Any) -> Any:
    """Check and normalise one setting's value, or raise BadSetting."""
    if key == "checkin_rotate_seconds":
        return _whole(key, value, 10, 600)
    if key in ("checkin_opens_before_minutes", "checkin_closes_after_minutes"):
        return _whole(key, value, 0, 24 * 60)
    if key == "monthly_redemption_limit":
        return None if value in (None, "") else _whole(key, value, 1, 1_000_000)
    if key == "level_thresholds":
        if not isinstance(value, list) or len(value) != len(DEFAULTS["level_thresholds"]):
            raise BadSetting(key=translate(LABELS[key]), detail=translate("需要 4 个数"))
        numbers = [_whole(key, v, 0, 10_000_000) for v in value]
        if numbers[0] != 0 or numbers != sorted(set(numbers)):
            raise BadSetting(key=translate(LABELS[key]), detail=translate("从 0 开始逐级增大"))
        return numbers
    if key == "deduction_rules":
        if not isinstance(value, list) or len(value) > 50:
            raise BadSetting(key=translate(LABELS[key]), detail=translate("最多 50 条"))
        rules, labels = [], set()
        for rule in value:
            label = str((rule or {}).get("label", "")).strip() if isinstance(rule, dict) else ""
            amount = rule.get("amount") if isinstance(rule, dict) else None
            if not label or len(label) > 40 or label in labels:
                raise BadSetting(key=translate(LABELS[key]), detail=label or "?")
            amount = _whole(key, amount, -100_000, 100_000)
            if amount == 0:
                raise BadSetting(key=translate(LABELS[key]), detail=label)
            labels.add(label)
            rules.append({"label": label, "amount": amount})
        return rules
    raise BadSetting(key=key, detail="?")


def parse_rules(text: str) -> list[dict]:
    """Read rules typed one per line as "见义勇为 +50" or "私拉电线 -10"."""
    rules = []
    for line in (text or "").splitlines():
        line = line.strip().replace("−", "-").replace("＋", "+").replace("－", "-")
        if not line:
            continue
        label, _, amount = line.rpartition(" ")
        label = label.strip()
        try:
            number = int(amount)
        except ValueError as exc:
            raise BadSetting(key=translate(LABELS["deduction_rules"]), detail=line) from exc
        rules.append({"label": label, "amount": number})
    return rules


def effective(session: Session, village_id: int | None) -> dict[str, Any]:
    """Every setting as it applies to a village (or the town defaults)."""
    return {key: get(session, key, village_id) for key in DEFAULTS}


def overrides(session: Session, village_id: int | None) -> dict[str, Any]:
    """The values stored for exactly this scope (village or town)."""
    rows = session.execute(
        select(Setting.key, Setting.value).where(
            Setting.village_id.is_(None) if village_id is None else Setting.village_id == village_id
        )
    ).all()
    return dict(rows)


_CLEAR = object()


def update(
    session: Session, actor: User, village_id: int | None, values: dict[str, Any]
) -> dict[str, Any]:
    """Store settings for a village (its admin) or the town (town admin); None clears a
    village's own value so the town default applies again. Audited before/after."""
    if village_id is None:
        if not sees_all_villages(actor):
            raise Forbidden()
    else:
        ensure_village(actor, village_id)
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key not in DEFAULTS:
            raise BadSetting(key=key, detail="?")
        clear = village_id is not None and value is None
        cleaned[key] = _CLEAR if clear else clean_value(key, value)
    with write_transaction(session):
        before = overrides(session, village_id)
        for key, value in cleaned.items():
            if value is _CLEAR:
                session.execute(
                    delete(Setting).where(Setting.key == key, Setting.village_id == village_id)
                )
            else:
                put(session, key, value, village_id)
        after = overrides(session, village_id)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if changed:
            audit.record(
                session,
                actor_id=actor.id,
                action="settings.update",
                village_id=village_id,
                target_type="settings",
                target_id=village_id or "town",
                before={k: before.get(k) for k in changed},
                after={k: after.get(k) for k in changed},
            )
    return effective(session, village_id)
