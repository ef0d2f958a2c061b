"""What every admin page needs: the village being looked at, the villages to choose from."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select

from points.auth import ensure_village, sees_all_villages
from points.errors import N_, InvalidInput
from points.extensions import db
from points.i18n import translate
from points.models import Village


def chosen_village() -> int | None:
    """?village_id= for town admins (None: the whole town); a village admin's own village."""
    raw = request.values.get("village_id", "")
    if raw.strip():
        if not raw.strip().isdigit():
            raise InvalidInput("村编号不正确。")
        village_id = int(raw)
        ensure_village(current_user, village_id)
        return village_id
    return None if sees_all_villages(current_user) else current_user.village_id


def village_choices() -> list[Village]:
    """Villages the current user may pick (town admin: all; others: their own)."""
    query = select(Village).order_by(Village.code)
    if not sees_all_villages(current_user):
        query = query.where(Village.id == current_user.village_id)
    return list(db.session.scalars(query))


def form_int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip().replace("−", "-")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput("请填写整数：%(value)s", value=raw) from exc


ROLE_LABELS = {
    "resident": N_("村民"),
    "staff": N_("网格员"),
    "village_admin": N_("村管理员"),
    "town_admin": N_("镇管理员"),
}


def role_label(role: str) -> str:
    return translate(ROLE_LABELS.get(role, role))
