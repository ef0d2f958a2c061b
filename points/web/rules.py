"""Pages: a village's rule book in plain words (public), publishing a new version (admins)."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from points import places, policy, rules
from points.auth import require
from points.errors import N_, REFUSALS, DomainError, InvalidInput
from points.extensions import db
from points.i18n import translate
from points.models import Village
from points.policy import Place
from points.web import nav
from points.web.admin_common import chosen_place, picker
from points.web.edge.errors import status_for

bp = Blueprint("rules", __name__)
nav.add("rules.book", N_("积分细则"), "public", 25)
# Blank rows the publishing form offers for new items.
NEW_ROWS = 2


def _public_place() -> tuple[int | None, int | None]:
    """?village_id= or ?town_id=, else the reader's village, else the first town."""
    for name in ("village_id", "town_id"):
        raw = (request.args.get(name) or "").strip()
        if raw:
            if not raw.isdigit() or len(raw) > 12:
                raise InvalidInput("编号不正确：%(value)s", value=raw[:20])
            return (int(raw), None) if name == "village_id" else (None, int(raw))
    if current_user.is_authenticated and current_user.village_id:
        return current_user.village_id, None
    towns = places.towns(db.session)
    return None, (towns[0].id if towns else None)


@bp.route("/rules")
def book():
    """The rule book in force for a village (its town's, with the village's additions):
    each item in plain words, how it was adopted, and every earlier version."""
    village_id, town_id = _public_place()
    found = rules.book_of(
        db.session, village_id=village_id, town_id=town_id, with_history_items=True
    )
    village = db.session.get(Village, village_id) if village_id else None
    town = places.get_town(db.session, found.town_id)
    return render_template(
        "rules/book.html",
        book=found,
        village=village,
        town=town,
        villages=places.villages(db.session, town_id=found.town_id),
    )


# --- publishing (admins) ----------------------------------------------------------------
def _int(raw: str, label: str) -> int | None:
    raw = (raw or "").strip().replace("−", "-")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput("请填写整数：%(value)s", value=f"{label} {raw}"[:40]) from exc


def _date(raw: str, label: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError as exc:
        raise InvalidInput("请填写日期：%(value)s", value=label) from exc


def _tiers(text: str) -> list[dict]:
    """ "一般 10, 较复杂 30, 重大 50" → tiers."""
    found = []
    for part in text.replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, points = part.rpartition(" ")
        found.append({"name": name.strip(), "points": _int(points, name)})
    return found


def items_from_form(form) -> list[dict]:
    """The items of the publishing form (rows named items-<n>-<field>), as the API sends."""
    items = []
    count = _int(form.get("rows", "0"), "rows") or 0
    for n in range(min(count, 200)):
        field = lambda name, n=n: (form.get(f"items-{n}-{name}") or "").strip()  # noqa: E731
        if field("drop") or not (field("name") or field("code")):
            continue
        item: dict = {
            "code": field("code") or f"item{n + 1}",
            "name": field("name"),
            "name_en": field("name_en"),
            "description": field("description"),
            "kind": field("kind") or "earn",
            "unit": field("unit") or "event",
            "confirm_by": field("confirm_by") or "staff",
            "needs_evidence": bool(field("evidence")),
            "first_reporter_only": bool(field("first_only")),
            "later_reporter_points": _int(field("later_points"), "later"),
            "publicity_days": _int(field("publicity_days"), "publicity") or 0,
        }
        if field("tiers"):
            item["tiers"] = _tiers(field("tiers"))
        else:
            item["points"] = _int(field("points"), item["name"])
            if field("points_max"):
                item["points_max"] = _int(field("points_max"), item["name"])
        caps = json.loads(field("more_caps") or "[]")
        times, most = _int(field("cap_times"), "cap"), _int(field("cap_points"), "cap")
        if times is not None or most is not None:
            cap = {"per": field("cap_per") or "resident", "period": field("cap_period") or "week"}
            if times is not None:
                cap["max_times"] = times
            if most is not None:
                cap["max_points"] = most
            caps.insert(0, cap)
        item["caps"] = caps
        items.append(item)
    return items


def form_body(form) -> dict:
    """The whole publishing form as the body POST /rule-books takes."""
    village = _int(form.get("village_id", ""), "village_id")
    return {
        "village_id": village,
        "town_id": _int(form.get("town_id", ""), "town_id"),
        "effective_from": _date(form.get("effective_from"), translate("生效日期")),
        "adopted": {
            "date": _date(form.get("adopted_on"), translate("会议日期")),
            "body": (form.get("body") or "").strip(),
            "votes_for": _int(form.get("votes_for"), "votes_for"),
            "votes_against": _int(form.get("votes_against"), "votes_against"),
            "votes_abstain": _int(form.get("votes_abstain"), "votes_abstain"),
            "document": (form.get("document") or "").strip() or None,
        },
        "note": (form.get("note") or "").strip(),
        "items": items_from_form(form),
    }


def _own_items(place: Place) -> list[rules.Terms]:
    """The items of exactly this place's book in force (a village: its additions only)."""
    found = rules.book_of(db.session, town_id=place.town_id, village_id=place.village_id)
    kind = "village" if place.village_id is not None else "town"
    version = next((v for v in found.in_force if v.book == kind), None)
    return version.items if version else []


@bp.route("/admin/rules", methods=["GET", "POST"])
@require(policy.ensure_admin)
def publish():
    """Publish a new version of the town's book (town admins) or of a village's additions
    (its admins), with the meeting that adopted it."""
    place = chosen_place()
    status = 200
    if request.method == "POST":
        try:
            body = form_body(request.form)
            rules.publish_from_form(db.session, current_user, body)
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            status = status_for(error)
        else:
            flash(translate("新版积分细则已发布。"), "success")
            if body["village_id"]:
                return redirect(url_for(".book", village_id=body["village_id"]))
            return redirect(url_for(".book", town_id=body["town_id"] or current_user.town_id))
    if place.town_id is None:
        return render_template("rules/publish.html", place=place, items=[], **picker(place))
    policy.ensure_may_publish_rules(current_user, place)
    items = _own_items(place)
    return render_template(
        "rules/publish.html",
        place=place,
        items=items,
        rows=len(items) + NEW_ROWS,
        today=rules.today(),
        more_caps=[json.dumps([c.as_dict() for c in t.caps[1:]]) for t in items],
        **picker(place),
    ), status
