"""The audit log page, the ledger verification page and the scheme's settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from points import ledger, policy
from points.admin import audit as audit_log
from points.admin import audit_words
from points.admin.reports import parse_day
from points.auth import require
from points.errors import N_, REFUSALS, DomainError
from points.extensions import db
from points.i18n import translate
from points.places import settings
from points.policy import Place
from points.web.admin_common import chosen_place, chosen_village, picker, village_choices

bp = Blueprint("admin_audit", __name__, url_prefix="/admin")
PER_PAGE = 50

ACTION_LABELS = {
    "person.create": N_("登记"),
    "person.edit": N_("修改资料"),
    "person.suspend": N_("停用账号"),
    "person.reinstate": N_("恢复账号"),
    "card.reissue": N_("补办积分卡"),
    "residents.import": N_("导入村民"),
    "points.adjust": N_("加减分"),
    "checkin.reverse": N_("撤销签到"),
    "settings.update": N_("修改设置"),
    "calendar.update": N_("修改节假日安排"),
    "village.create": N_("新建村"),
    "town.create": N_("新建镇"),
    "town.update": N_("修改镇"),
    "grid.create": N_("新建网格"),
    "grid.staff": N_("分配网格员"),
}


def _action_label(action: str) -> str:
    """An action's name for the filter: its label, else its sentence without the people."""
    if action in ACTION_LABELS:
        return translate(ACTION_LABELS[action])
    if action in audit_words.SENTENCES:
        return translate(audit_words.SENTENCES[action], actor="", target="").strip(" （）()")
    return action


@bp.route("/audit")
@require(policy.ensure_admin)
def audit():
    """Who did what, when, to what, before and after; filter by village, actor, action, date."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    village_id = chosen_village() if request.args.get("village_id") else None
    flt = audit_log.AuditFilter(
        village_id=village_id,
        actor_id=request.args.get("actor_id", type=int),
        action=request.args.get("action") or None,
        start=parse_day(request.args.get("from")),
        end=parse_day(request.args.get("to")),
    )
    found = audit_log.search(
        db.session, current_user, flt, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    return render_template(
        "admin/audit.html",
        found=found,
        lines=audit_words.lines(db.session, found.rows),
        flt=flt,
        page=page,
        per_page=PER_PAGE,
        villages=village_choices(),
        village_id=village_id,
        actions=audit_log.actions(db.session),
        actors=audit_log.actors(db.session, current_user),
        action_label=_action_label,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.route("/ledger", endpoint="ledger")
@require(policy.ensure_town_admin_or_up)
def ledger_check():
    """Recompute every balance and the hash chain; show the head hash to publish."""
    result = ledger.verify(db.session)
    return render_template("admin/ledger.html", result=result)


TEXT_KEYS = (
    "checkin_rotate_seconds",
    "checkin_opens_before_minutes",
    "checkin_closes_after_minutes",
    "monthly_redemption_limit",
    "points_budget_year",
    "point_value_yuan",
    "offline_max_lag_hours",
    "hazard_verify_working_days",
    "hazard_fix_days",
    "household_base_points",
    "posting_days",
)
SWITCH_KEYS = ("refuse_awards_over_budget", "black_list_enabled")


def _form_values(form, inherits: bool) -> dict:
    """Read the settings form; below the city a blank field means "use the one above"."""
    values: dict = {}
    for key in TEXT_KEYS:
        raw = (form.get(key) or "").strip()
        if raw or inherits:
            values[key] = raw or None
    raw = (form.get("level_thresholds") or "").strip()
    if raw:
        values["level_thresholds"] = [p.strip() for p in raw.replace("，", ",").split(",")]
    elif inherits:
        values["level_thresholds"] = None
    raw = form.get("deduction_rules") or ""
    values["deduction_rules"] = settings.parse_rules(raw) if raw.strip() or not inherits else None
    for key in SWITCH_KEYS:  # "" (use the one above), "1" or "0"
        if key in form:
            raw = form.get(key, "").strip()
            if raw or inherits:
                values[key] = {"1": True, "0": False}.get(raw, raw or None)
    if "expiry_mode" in form:
        values.update(_expiry_value(form, inherits))
    return values


def _expiry_value(form, inherits: bool) -> dict:
    """The expiry fields as the setting's value (checked by settings.clean_value)."""
    mode = (form.get("expiry_mode") or "").strip()
    if not mode:
        return {"expiry": None} if inherits else {}
    if mode == "year_end":
        return {"expiry": {"mode": mode, "date": (form.get("expiry_date") or "").strip()}}
    if mode == "rolling":
        return {"expiry": {"mode": mode, "months": (form.get("expiry_months") or "").strip()}}
    return {"expiry": {"mode": mode}}


def _above(place: Place) -> Place | None:
    """The place whose values a place inherits (a village: its town; a town: the city)."""
    if place.village_id is not None:
        return Place(place.town_id)
    if place.town_id is not None:
        return Place()
    return None


@bp.route("/settings", methods=["GET", "POST"], endpoint="settings")
@require(policy.ensure_admin)
def settings_page():
    """A place's settings: a village's (blank: its town's apply), a town's (blank: the
    city's), the city's defaults."""
    place = chosen_place()
    above = _above(place)
    status = 200
    if request.method == "POST":
        try:
            settings.update(
                db.session, current_user, place, _form_values(request.form, above is not None)
            )
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            flash(error.message, "error")
            status = 422
        else:
            flash(translate("设置已保存。"), "success")
            return redirect(
                url_for(".settings", village_id=place.village_id, town_id=place.town_id)
            )
    effective = settings.readable(db.session, current_user, place)
    own = settings.overrides(db.session, place)
    return render_template(
        "admin/settings.html",
        own=own,
        effective=effective,
        above=settings.effective(db.session, above) if above else effective,
        inherits=above is not None,
        place=place,
        labels=settings.LABELS,
        text_keys=TEXT_KEYS,
        switch_keys=SWITCH_KEYS,
        **picker(place),
    ), status
