"""What every admin page needs: the place being looked at, the villages to choose from."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from points import places
from points.errors import N_, InvalidInput
from points.extensions import db
from points.i18n import translate
from points.models import Town, Village
from points.policy import Place


def _int_arg(name: str) -> int | None:
    raw = (request.values.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput("编号不正确：%(value)s", value=raw[:20])
    return int(raw)


def chosen_place() -> Place:
    """?village_id= or ?town_id= as the reader picked them, else the node of their scope.

    The picker sends both: a village of another town than the one picked means the town was
    just changed, so the town wins. Whether the reader may look there is the use case's
    question (it asks the policy).
    """
    village_id, town_id = _int_arg("village_id"), _int_arg("town_id")
    place = places.chosen_place(db.session, current_user, village_id=village_id, town_id=town_id)
    if town_id is not None and place.village_id is not None and place.town_id != town_id:
        return places.chosen_place(db.session, current_user, town_id=town_id)
    return place


def chosen_village() -> int | None:
    """The village picked (or the reader's own), None for a whole town or the city."""
    return chosen_place().village_id


def village_choices() -> list[Village]:
    """Villages the current user may pick (their scope's), ordered by town."""
    return places.villages_for(db.session, current_user)


def town_choices() -> list[Town]:
    """Towns the current user may pick whole (a city admin: every town; a town admin: theirs)."""
    return places.towns_for(db.session, current_user)


def picker(place: Place) -> dict:
    """What admin/_village_filter.html needs to show a place as picked."""
    return {
        "villages": village_choices(),
        "towns": town_choices(),
        "village_id": place.village_id,
        "town_id": place.town_id,
    }


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
    "city_admin": N_("市管理员"),
}


def role_label(role: str) -> str:
    return translate(ROLE_LABELS.get(role, role))
