"""Scheme settings that inherit down the tree: a village's own value, else its town's, else
the city's, else the built-in default.

Each stored value belongs to one place, named by `scope`: 'city', 't<town id>' or
'v<village id>'.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.db import write_transaction
from points.errors import N_, DomainError, Msgid
from points.models import Setting, User, Village
from points.policy import Place
from points.year.rule import BadExpiry, ExpiryRule

DEFAULTS: dict[str, Any] = {
    "checkin_rotate_seconds": 30,
    "checkin_opens_before_minutes": 30,
    "checkin_closes_after_minutes": 0,
    "level_thresholds": [0, 100, 300, 1000],
    "deduction_rules": [],
    "monthly_redemption_limit": None,
    "scheme_name": "平安积分",
    # The budget (积分预算): a village's or a town's own yearly points (never inherited: a
    # town's budget is not each village's), the yuan a point is worth (inherited), and
    # whether awards past the budget are refused.
    "points_budget_year": None,
    "point_value_yuan": None,
    "refuse_awards_over_budget": False,
    # When unspent points expire (points.year.rule): none, year_end or rolling.
    "expiry": {"mode": "none"},
    "offline_max_lag_hours": 24,
    # 文明家庭 stars: a household's yearly score reaching each threshold earns a star.
    "household_star_thresholds": [100, 300, 600],
    # Hazard reports (隐患): verify within N working days, fix within M days of verification.
    "hazard_verify_working_days": 2,
    "hazard_fix_days": 7,
    # 桐乡: each household starts the year with this many points in its score (never money).
    "household_base_points": 0,
    # Public lists (points.posting): days an entry stays up; whether the 黑榜 is shown.
    "posting_days": 30,
    "black_list_enabled": False,
}
CITY_SCOPE = "city"


def scope_key(place: Place) -> str:
    """The `scope` a place's own values are stored under."""
    if place.village_id is not None:
        return f"v{place.village_id}"
    if place.town_id is not None:
        return f"t{place.town_id}"
    return CITY_SCOPE


# Read on every scan (the rotating code's step): built once, run as plain Core. One query
# finds the village's, its town's and the city's values; the nearest one wins.
_settings = Setting.__table__
_village_town = (
    select(Village.town_id).where(Village.id == bindparam("village_id")).scalar_subquery()
)
_LOOKUP = select(_settings.c.scope, _settings.c.value).where(
    _settings.c.key == bindparam("key"),
    or_(
        _settings.c.scope == CITY_SCOPE,
        _settings.c.scope == bindparam("village_scope"),
        and_(
            _settings.c.village_id.is_(None),
            _settings.c.town_id == func.coalesce(bindparam("town_id"), _village_town),
        ),
    ),
)


def get(
    session: Session,
    key: str,
    village_id: int | None = None,
    default: Any = None,
    *,
    town_id: int | None = None,
) -> Any:
    """The setting for a village (or a town), falling back up the tree, then to `default`,
    then to the built-in value."""
    params = {
        "key": key,
        "village_id": village_id,
        "village_scope": f"v{village_id}" if village_id is not None else "-",
        "town_id": town_id,
    }
    found = dict(session.connection().execute(_LOOKUP, params).all())
    for scope in (params["village_scope"], *[s for s in found if s.startswith("t")], CITY_SCOPE):
        if scope in found:
            return found[scope]
    return default if default is not None else DEFAULTS.get(key)


def put(session: Session, key: str, value: Any, place: Place) -> Setting:
    """Set a place's own value inside the caller's transaction."""
    scope = scope_key(place)
    row = session.scalar(select(Setting).where(Setting.key == key, Setting.scope == scope))
    if row is None:
        row = Setting(
            key=key,
            scope=scope,
            town_id=place.town_id if place.village_id is None else None,
            village_id=place.village_id,
            value=value,
        )
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
    "scheme_name": N_("积分制名称"),
    "points_budget_year": N_("全年积分预算（分）"),
    "point_value_yuan": N_("每分折合人民币（元）"),
    "refuse_awards_over_budget": N_("超出预算后停止发放积分"),
    "expiry": N_("积分有效期"),
    "offline_max_lag_hours": N_("离线扫码最迟多少小时内上传"),
    "household_star_thresholds": N_("文明家庭星级门槛（户年度积分）"),
    "hazard_verify_working_days": N_("隐患核实时限（工作日）"),
    "hazard_fix_days": N_("隐患整改时限（天）"),
    "household_base_points": N_("每户基础分（计入家庭积分，不可兑换）"),
    "posting_days": N_("公开名单保留天数"),
    "black_list_enabled": N_("公开黑榜（扣分名单）"),
}


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadSetting(key=Msgid(LABELS[key]), detail=f"{low}–{high}")
    return value


def _yuan(key: str, value: Any) -> str:
    """A price in yuan, kept as a decimal string (0.1, 0.05): never a float."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise BadSetting(key=Msgid(LABELS[key]), detail="0.01–1000") from exc
    if not amount.is_finite() or not Decimal("0.0001") <= amount <= 1000:
        raise BadSetting(key=Msgid(LABELS[key]), detail="0.01–1000")
    return str(amount.normalize() if amount == amount.to_integral() else amount)


def clean_value(key: str, value: Any) -> Any:
    """Check and normalise one setting's value, or raise BadSetting."""
    if key == "checkin_rotate_seconds":
        return _whole(key, value, 10, 600)
    if key == "offline_max_lag_hours":
        return _whole(key, value, 1, 24 * 7)
    if key == "hazard_verify_working_days":
        return _whole(key, value, 1, 30)
    if key == "hazard_fix_days":
        return _whole(key, value, 1, 365)
    if key in ("checkin_opens_before_minutes", "checkin_closes_after_minutes"):
        return _whole(key, value, 0, 24 * 60)
    if key == "scheme_name":
        text = str(value or "").strip()
        if not 1 <= len(text) <= 40:
            raise BadSetting(key=Msgid(LABELS[key]), detail="1–40")
        return text
    if key == "points_budget_year":
        return None if value in (None, "") else _whole(key, value, 1, 1_000_000_000)
    if key == "point_value_yuan":
        return None if value in (None, "") else _yuan(key, value)
    if key in ("refuse_awards_over_budget", "black_list_enabled"):
        if isinstance(value, str):
            value = value.strip().lower() in ("1", "true", "on", "yes", "是")
        if not isinstance(value, bool):
            raise BadSetting(key=Msgid(LABELS[key]), detail="true / false")
        return value
    if key == "household_base_points":
        return _whole(key, value, 0, 100_000)
    if key == "posting_days":
        return _whole(key, value, 1, 366)
    if key == "household_star_thresholds":
        if not isinstance(value, list) or not 1 <= len(value) <= 5:
            raise BadSetting(key=Msgid(LABELS[key]), detail="1–5")
        numbers = [_whole(key, v, 1, 10_000_000) for v in value]
        if numbers != sorted(set(numbers)):
            raise BadSetting(key=Msgid(LABELS[key]), detail=Msgid("需逐级增大"))
        return numbers
    if key == "expiry":
        try:
            return ExpiryRule.from_setting(value).as_setting()
        except BadExpiry as exc:
            raise BadSetting(key=Msgid(LABELS[key]), detail=str(exc)) from exc
    if key == "monthly_redemption_limit":
        return None if value in (None, "") else _whole(key, value, 1, 1_000_000)
    if key == "level_thresholds":
        if not isinstance(value, list) or len(value) != len(DEFAULTS["level_thresholds"]):
            raise BadSetting(key=Msgid(LABELS[key]), detail=Msgid("需要 4 个数"))
        numbers = [_whole(key, v, 0, 10_000_000) for v in value]
        if numbers[0] != 0 or numbers != sorted(set(numbers)):
            raise BadSetting(key=Msgid(LABELS[key]), detail=Msgid("从 0 开始逐级增大"))
        return numbers
    if key == "deduction_rules":
        if not isinstance(value, list) or len(value) > 50:
            raise BadSetting(key=Msgid(LABELS[key]), detail=Msgid("最多 50 条"))
        rules, labels = [], set()
        for rule in value:
            label = str((rule or {}).get("label", "")).strip() if isinstance(rule, dict) else ""
            amount = rule.get("amount") if isinstance(rule, dict) else None
            if not label or len(label) > 40 or label in labels:
                raise BadSetting(key=Msgid(LABELS[key]), detail=label or "?")
            amount = _whole(key, amount, -100_000, 100_000)
            if amount == 0:
                raise BadSetting(key=Msgid(LABELS[key]), detail=label)
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
            raise BadSetting(key=Msgid(LABELS["deduction_rules"]), detail=line) from exc
        rules.append({"label": label, "amount": number})
    return rules


def effective(session: Session, place: Place) -> dict[str, Any]:
    """Every setting as it applies to a place (a village, a town, the city)."""
    return {key: get(session, key, place.village_id, town_id=place.town_id) for key in DEFAULTS}


def readable(session: Session, actor: User, place: Place) -> dict[str, Any]:
    """The settings of a place, for the admins over it."""
    policy.ensure_may_see_reports(actor, place)
    return effective(session, place)


def overrides(session: Session, place: Place) -> dict[str, Any]:
    """The values stored for exactly this place."""
    rows = session.execute(
        select(Setting.key, Setting.value).where(Setting.scope == scope_key(place))
    ).all()
    return dict(rows)


_CLEAR = object()


def update(session: Session, actor: User, place: Place, values: dict[str, Any]) -> dict[str, Any]:
    """Store settings for a place; None clears a village's or town's own value so the one
    above applies again. Audited before/after."""
    policy.ensure_may_change_settings(actor, place)
    cleaned: dict[str, Any] = {}
    below_city = place.town_id is not None
    for key, value in values.items():
        if key not in DEFAULTS:
            raise BadSetting(key=key, detail="?")
        clear = below_city and value is None
        cleaned[key] = _CLEAR if clear else clean_value(key, value)
    scope = scope_key(place)
    with write_transaction(session):
        before = overrides(session, place)
        for key, value in cleaned.items():
            if value is _CLEAR:
                session.execute(delete(Setting).where(Setting.key == key, Setting.scope == scope))
            else:
                put(session, key, value, place)
        after = overrides(session, place)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if changed:
            audit.record(
                session,
                actor_id=actor.id,
                action="settings.update",
                town_id=place.town_id,
                village_id=place.village_id,
                target_type="settings",
                target_id=scope,
                before={k: before.get(k) for k in changed},
                after={k: after.get(k) for k in changed},
            )
    return effective(session, place)
