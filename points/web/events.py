"""Event pages: the public list, admins' create/edit, staff's live QR, poster, scanner, manual."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from points import checkin, policy
from points.auth import require
from points.checkin import events
from points.checkin.events import EventForm
from points.clock import local_time, to_utc
from points.errors import N_, REFUSALS, DomainError, InvalidInput
from points.extensions import db
from points.i18n import translate
from points.web import nav
from points.web.admin_common import village_choices
from points.web.edge.errors import status_for
from points.web.edge.scanning import shown_code

bp = Blueprint("events", __name__)

nav.add("events.upcoming", N_("活动"), "public", 20)

FORM_TIME = "%Y-%m-%dT%H:%M"


def parse_local(value: str | None) -> datetime | None:
    """A datetime-local field (Shanghai time) as stored UTC."""
    if not value:
        return None
    try:
        local = datetime.strptime(value.strip(), FORM_TIME)
    except ValueError as exc:
        raise InvalidInput("时间格式不对：%(value)s", value=value) from exc
    return to_utc(local)


def form_time(value: datetime | None) -> str:
    return local_time(value, FORM_TIME)


def _int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit():
        raise InvalidInput("%(field)s 必须是整数。", field=name)
    return int(raw)


def _form_from_request() -> EventForm:
    village = request.form.get("village_id", "")
    starts, ends = (
        parse_local(request.form.get("starts_at")),
        parse_local(request.form.get("ends_at")),
    )
    if starts is None or ends is None:
        raise InvalidInput("请填写开始和结束时间。")
    return EventForm(
        title=request.form.get("title", ""),
        category_id=_int("category_id") or 0,
        village_id=int(village) if village.isdigit() else None,
        starts_at=starts,
        ends_at=ends,
        points=_int("points"),
        capacity=_int("capacity"),
        qr_mode=request.form.get("qr_mode", "rotating"),
        status=request.form.get("status", "published"),
        description=request.form.get("description", ""),
        location=request.form.get("location", ""),
        checkin_opens_at=parse_local(request.form.get("checkin_opens_at")),
        checkin_closes_at=parse_local(request.form.get("checkin_closes_at")),
    )


def _event_for_staff(event_id: int):
    return events.event_run_by(db.session, current_user, event_id)


# --- public -----------------------------------------------------------------------------
@bp.route("/events")
def upcoming():
    """Upcoming published events."""
    found = events.list_events(db.session, upcoming=True, limit=50)
    return render_template("events/upcoming.html", events=found)


# --- admins -----------------------------------------------------------------------------
@bp.route("/events/manage")
@require(policy.ensure_staff)
def manage():
    """The events I run or manage, with their actions."""
    found = events.managed_events(db.session, current_user, limit=100)
    return render_template("events/manage.html", events=found)


@bp.route("/events/new", methods=["GET", "POST"])
@require(policy.ensure_admin)
def create():
    """Create an event."""
    values = request.form if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        try:
            event = events.create_event(db.session, current_user, _form_from_request())
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            status = status_for(error)
        else:
            flash(translate("活动已创建。"), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template(
        "events/form.html",
        event=None,
        values=values,
        categories=events.categories(db.session, town_id=current_user.town_id),
        villages=village_choices(),
        form_time=form_time,
    ), status


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@require(policy.ensure_admin)
def edit(event_id: int):
    """Edit a draft or published event."""
    event = events.event_managed_by(db.session, current_user, event_id)
    status = 200
    if request.method == "POST":
        try:
            events.update_event(db.session, current_user, event_id, _form_from_request())
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            status = status_for(error)
            event = events.get_event(db.session, event_id)
        else:
            flash(translate("活动已保存。"), "success")
            return redirect(url_for("events.show", event_id=event_id))
    return render_template(
        "events/form.html",
        event=event,
        values=request.form if request.method == "POST" else {},
        categories=events.categories(db.session, town_id=current_user.town_id),
        villages=village_choices(),
        form_time=form_time,
    ), status


@bp.route("/events/<int:event_id>/<any(publish, close, cancel):action>", methods=["POST"])
@require(policy.ensure_admin)
def change_status(event_id: int, action: str):
    events.change_status(db.session, current_user, event_id, action)
    flash(translate("活动状态已更新。"), "success")
    return redirect(url_for("events.show", event_id=event_id))


@bp.route("/events/<int:event_id>/regenerate", methods=["POST"])
@require(policy.ensure_staff)
def regenerate(event_id: int):
    """Revoke every code the event issued (the poster must be printed again)."""
    events.regenerate_key(db.session, current_user, event_id)
    flash(translate("二维码已更换，旧的二维码全部作废。"), "success")
    return redirect(url_for("events.show", event_id=event_id))


@bp.route("/events/categories", methods=["GET", "POST"])
@require(policy.ensure_town_admin_or_up)
def categories():
    """A town's admins (the city admin for every town's) set categories' default points."""
    if request.method == "POST":
        try:
            for category in events.categories(
                db.session, active_only=False, town_id=current_user.town_id
            ):
                value = _int(f"points_{category.id}")
                if value is not None and value != category.default_points:
                    events.update_category_points(db.session, current_user, category.id, value)
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(translate("已保存。"), "success")
            return redirect(url_for("events.categories"))
    return render_template(
        "events/categories.html",
        categories=events.categories(db.session, active_only=False, town_id=current_user.town_id),
    )


# --- one event ---------------------------------------------------------------------------
@bp.route("/events/<int:event_id>")
def show(event_id: int):
    """An event: what, when, how many points; its staff see their tools."""
    viewer = current_user if current_user.is_authenticated else None
    event = events.event_for(db.session, viewer, event_id)
    runs = viewer is not None and events.runs(viewer, event)
    manages = viewer is not None and events.manages(viewer, event)
    recent = checkin.recent_checkins(db.session, event.id, limit=20) if runs else []
    return render_template(
        "events/show.html", event=event, runs=runs, manages=manages, recent=recent
    )


@bp.route("/events/<int:event_id>/live")
@require(policy.ensure_staff)
def live(event_id: int):
    """Full screen: the rotating code refreshes itself, with the live count."""
    event = _event_for_staff(event_id)
    return render_template("events/live.html", event=event, shown=shown_code(event))


@bp.route("/events/<int:event_id>/poster")
@require(policy.ensure_staff)
def poster(event_id: int):
    """A4 poster with the static code (for static-code events)."""
    event = _event_for_staff(event_id)
    shown = shown_code(event, "static") if event.qr_mode == "static" else None
    return render_template("events/poster.html", event=event, shown=shown)


@bp.route("/events/<int:event_id>/scan")
@require(policy.ensure_staff)
def scanner(event_id: int):
    """The camera scanner for residents' printed cards."""
    event = _event_for_staff(event_id)
    return render_template("events/scan.html", event=event)


@bp.route("/events/<int:event_id>/manual", methods=["GET", "POST"])
@require(policy.ensure_staff)
def manual(event_id: int):
    """Find a resident by name or phone and check them in on their behalf."""
    event = _event_for_staff(event_id)
    status = 200
    if request.method == "POST":
        resident_id = _int("resident_id")
        try:
            result = checkin.check_in_manually(
                db.session, event_id=event.id, resident_id=resident_id or 0, actor=current_user
            )
        except DomainError as error:
            if error.category in REFUSALS:
                raise
            db.session.rollback()
            flash(error.message, "error")
            status = status_for(error)  # the page again with the note, as the API answers
        else:
            if result.already:
                message = translate(
                    "%(name)s 已经在 %(time)s 签过到了。",
                    name=result.resident_name,
                    time=local_time(result.checked_in_at),
                )
                flash(message, "warning")
            else:
                message = translate(
                    "%(name)s 签到成功，+%(points)s 分。",
                    name=result.resident_name,
                    points=result.points,
                )
                if result.capped_by:
                    message = f"{message} {result.capped_by['message']}"
                flash(message, "success")
            return redirect(
                url_for("events.manual", event_id=event.id, q=request.form.get("q", ""))
            )
    q = (request.values.get("q") or "").strip()[:64]
    found = checkin.people_for_manual_checkin(db.session, current_user, event.id, q)
    done = checkin.checked_in_already(db.session, event.id, [p.id for p in found])
    return render_template("events/manual.html", event=event, q=q, found=found, done=done), status


STATUS_NAMES = {
    "draft": N_("草稿"),
    "published": N_("已发布"),
    "closed": N_("已结束"),
    "cancelled": N_("已取消"),
}


@bp.app_context_processor
def _event_helpers() -> dict:
    return {"status_name": lambda status: translate(STATUS_NAMES.get(status, status))}
