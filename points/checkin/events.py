"""Events: create, edit, publish, close, cancel, regenerate the QR key; the code on screen."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from points import policy, rules
from points.admin import audit
from points.checkin import codes
from points.clock import timestamp
from points.db import write_transaction
from points.errors import N_, DomainError, InvalidInput, NotFound
from points.models import Event, EventCategory, Role, User, utcnow
from points.models.events import QR_MODES
from points.places import get_town, settings, village_place
from points.policy import Place

MAX_POINTS = 1000
# Allowed status changes: draft → published → closed; draft/published → cancelled.
TRANSITIONS = {
    "publish": ({"draft"}, "published"),
    "close": ({"published"}, "closed"),
    "cancel": ({"draft", "published"}, "cancelled"),
}


class IllegalEventTransition(DomainError):
    code = "illegal_transition"
    category = "conflict"
    template = N_("活动当前是“%(status)s”状态，不能这样操作。")


@dataclass
class EventForm:
    """What an admin fills in; unset points/window take the category's and the scheme's."""

    title: str
    category_id: int | None
    starts_at: datetime
    ends_at: datetime
    village_id: int | None = None
    points: int | None = None
    capacity: int | None = None
    qr_mode: str = "rotating"
    status: str = "published"
    description: str = ""
    location: str = ""
    checkin_opens_at: datetime | None = None
    checkin_closes_at: datetime | None = None
    town_id: int | None = None  # a town-wide event's town (default: the actor's)
    category: str | None = None  # instead of category_id: its code or its name (治安巡防)
    rule_code: str | None = None  # the rule its awards are made under (default: the category's)


def place_of_event(event: Event) -> Place:
    return Place(event.town_id, event.village_id)


def ensure_can_manage(user: User, place: Place) -> None:
    """Admins manage their own village's events; town-wide ones are the town's admins'."""
    policy.ensure_may_manage_events(user, place)


def ensure_can_run(user: User, event: Event) -> None:
    """Staff run their own village's events (and their town's town-wide ones)."""
    policy.ensure_may_run_event(user, place_of_event(event))


# --- reading ----------------------------------------------------------------------------
def get_event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    return event


def event_for(session: Session, viewer: User | None, event_id: int) -> Event:
    """An event as a viewer may see it: a draft only for those who run it."""
    event = get_event(session, event_id)
    if event.status == "draft":
        if viewer is None or not policy.is_staff(viewer):
            raise NotFound(what=f"活动 {event_id}")
        ensure_can_run(viewer, event)
    return event


def runs(viewer: User, event: Event) -> bool:
    """Whether the viewer runs this event (the page then shows them its tools)."""
    return policy.allows(ensure_can_run, viewer, event)


def manages(viewer: User, event: Event) -> bool:
    """Whether the viewer may edit, publish, close or cancel this event."""
    return policy.allows(ensure_can_manage, viewer, place_of_event(event))


def event_managed_by(session: Session, actor: User, event_id: int) -> Event:
    """An event the actor may edit, publish, close or cancel."""
    event = get_event(session, event_id)
    ensure_can_manage(actor, place_of_event(event))
    return event


def managed_events(session: Session, actor: User, *, limit: int = 100) -> list[Event]:
    """The events an actor runs or manages (their scope's, and their town's town-wide ones)."""
    policy.ensure_staff(actor)
    return [
        event for event in list_events(session, viewer=actor, limit=limit * 2) if runs(actor, event)
    ][:limit]


def event_run_by(session: Session, actor: User, event_id: int) -> Event:
    """An event whose codes, scanner and check-ins the actor may run."""
    event = get_event(session, event_id)
    ensure_can_run(actor, event)
    return event


def categories(
    session: Session, *, active_only: bool = True, town_id: int | None = None
) -> list[EventCategory]:
    """A town's categories (and any shared by every town); no town named: all of them."""
    query = select(EventCategory).order_by(
        EventCategory.town_id, EventCategory.sort_order, EventCategory.id
    )
    if town_id is not None:
        query = query.where(EventCategory.town_id.is_(None) | (EventCategory.town_id == town_id))
    if active_only:
        query = query.where(EventCategory.active.is_(True))
    return list(session.scalars(query))


def list_events(
    session: Session,
    *,
    viewer: User | None = None,
    status: str | None = None,
    upcoming: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[Event]:
    """Published events for the public; admins and staff also see their village's others."""
    query = select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
    if not policy.may_see_unpublished_events(viewer):
        query = query.where(Event.status == "published")
    else:
        mine = policy.within(viewer, village=Event.village_id, town=Event.town_id)
        if viewer.role in (Role.STAFF, Role.VILLAGE_ADMIN):  # and their town's town-wide ones
            mine = mine | (Event.village_id.is_(None) & (Event.town_id == viewer.town_id))
        query = query.where(mine | (Event.status == "published"))
    if status:
        query = query.where(Event.status == status)
    if upcoming:
        query = query.where(Event.checkin_closes_at >= utcnow()).order_by(None)
        query = query.order_by(Event.starts_at, Event.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


# --- writing ----------------------------------------------------------------------------
def event_place(session: Session, actor: User, form: EventForm) -> Place:
    """Where a new or edited event belongs: its village's town, else the named (or the
    actor's) town."""
    if form.village_id is not None:
        return village_place(session, form.village_id)
    town_id = form.town_id or actor.town_id
    if town_id is None:
        raise InvalidInput("请选择活动所属的镇。")
    return Place(get_town(session, town_id).id)


def _category(session: Session, form: EventForm, town_id: int) -> EventCategory:
    """The form's category, by id, code or name, among the town's (its own before shared)."""
    if form.category_id is not None:
        category = session.get(EventCategory, form.category_id)
        if category is not None and category.town_id in (None, town_id):
            return category
        raise InvalidInput("请选择活动类别。")
    wanted = (form.category or "").strip()
    if not wanted:
        raise InvalidInput("请选择活动类别。")
    for category in sorted(
        categories(session, active_only=False, town_id=town_id), key=lambda c: c.town_id is None
    ):
        if wanted in (category.code, category.name_zh, category.name_en):
            return category
    raise InvalidInput("没有这个活动类别：%(code)s", code=wanted)


class PointsOutsideRule(DomainError):
    code = "points_outside_rule"
    template = N_("积分须符合细则“%(rule)s”：%(allowed)s。")


def _category_for_rule(session: Session, code: str, town_id: int) -> str:
    """An event named by its rule alone files under the category of that code, else the
    town's first."""
    found = categories(session, active_only=False, town_id=town_id)
    same = next((c for c in found if c.code == code), None)
    chosen = same or (found[0] if found else None)
    if chosen is None:
        raise InvalidInput("请选择活动类别。")
    return chosen.code


def _rule(session: Session, code: str, town_id: int, village_id: int | None, named: str):
    """The rule an event's awards go under, and what it says today (None, None: the town has
    no rule of that code and none was named — the event awards its own points)."""
    rule = rules.rule_for(session, code, town_id=town_id, village_id=village_id)
    if rule is None:
        if named:
            raise rules.UnknownRuleCode(code=named)
        return None, None
    terms = rules.terms_on(session, rule.id, rules.today())
    if terms is None:
        if named:
            raise rules.UnknownRuleCode(code=named)
        return None, None
    if terms.kind != "earn":
        raise rules.NotAnEarningRule(rule=terms.name)
    if terms.subject == "household":
        raise rules.HouseholdRule()  # an event's check-ins award residents, not households
    return rule, terms


def _clean(session: Session, form: EventForm, town_id: int) -> dict:
    title = (form.title or "").strip()
    if not 1 <= len(title) <= 120:
        raise InvalidInput("活动名称为 1 到 120 个字。")
    rule_code = (form.rule_code or "").strip()
    if rule_code and form.category_id is None and not form.category:
        form.category = _category_for_rule(session, rule_code, town_id)
    category = _category(session, form, town_id)
    if form.ends_at <= form.starts_at:
        raise InvalidInput("结束时间必须晚于开始时间。")
    rule, terms = _rule(session, rule_code or category.code, town_id, form.village_id, rule_code)
    # A rule carried over from the categories lets each event set its points (the category's
    # default first); a rule of an adopted book gives its own amount.
    carried_over = terms is None or terms.points_max is not None
    standard = category.default_points if carried_over else terms.amount()
    points = standard if form.points is None else form.points
    if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= MAX_POINTS:
        raise InvalidInput("积分为 1 到 %(max)s 之间的整数。", max=MAX_POINTS)
    if terms is not None and not terms.allows(points):
        raise PointsOutsideRule(rule=terms.name, allowed=rules.describe_points(terms))
    if form.capacity is not None and (
        isinstance(form.capacity, bool) or not isinstance(form.capacity, int) or form.capacity < 1
    ):
        raise InvalidInput("人数上限必须是正整数。")
    if form.qr_mode not in QR_MODES:
        raise InvalidInput("二维码方式只能是滚动或固定。")
    if form.status not in ("draft", "published"):
        raise InvalidInput("新活动只能是草稿或已发布。")
    before = settings.get(session, "checkin_opens_before_minutes", form.village_id, town_id=town_id)
    after = settings.get(session, "checkin_closes_after_minutes", form.village_id, town_id=town_id)
    opens = form.checkin_opens_at or form.starts_at - timedelta(minutes=int(before))
    closes = form.checkin_closes_at or form.ends_at + timedelta(minutes=int(after))
    if closes <= opens:
        raise InvalidInput("签到截止时间必须晚于签到开始时间。")
    return {
        "title": title,
        "category_id": category.id,
        "rule_id": rule.id if rule is not None else None,
        "town_id": town_id,
        "village_id": form.village_id,
        "starts_at": form.starts_at,
        "ends_at": form.ends_at,
        "checkin_opens_at": opens,
        "checkin_closes_at": closes,
        "points": points,
        "capacity": form.capacity,
        "qr_mode": form.qr_mode,
        "description": (form.description or "").strip()[:2000],
        "location": (form.location or "").strip()[:120],
    }


def create_event(session: Session, actor: User, form: EventForm) -> Event:
    """Create an event (published unless sent as a draft)."""
    place = event_place(session, actor, form)
    ensure_can_manage(actor, place)
    with write_transaction(session):
        fields = _clean(session, form, place.town_id)
        event = Event(**fields, status=form.status, created_by=actor.id)
        session.add(event)
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="event.create",
            village_id=event.village_id,
            target_type="event",
            target_id=event.id,
            after={"title": event.title, "points": event.points, "status": event.status},
        )
    return event


def update_event(session: Session, actor: User, event_id: int, form: EventForm) -> Event:
    """Edit a draft or published event; points can't change once someone has checked in."""
    with write_transaction(session):
        event = _locked(session, event_id)
        ensure_can_manage(actor, place_of_event(event))
        place = event_place(session, actor, form)
        ensure_can_manage(actor, place)
        if event.status not in ("draft", "published"):
            raise IllegalEventTransition(status=event.status)
        fields = _clean(session, form, place.town_id)
        if event.checkin_count and fields["points"] != event.points:
            raise InvalidInput("已有人签到，不能再改积分。")
        before = {"title": event.title, "points": event.points}
        for name, value in fields.items():
            setattr(event, name, value)
        audit.record(
            session,
            actor_id=actor.id,
            action="event.update",
            village_id=event.village_id,
            target_type="event",
            target_id=event.id,
            before=before,
            after={"title": event.title, "points": event.points},
        )
    return event


def change_status(session: Session, actor: User, event_id: int, action: str) -> Event:
    """Publish, close or cancel an event; any other move is refused."""
    allowed_from, target = TRANSITIONS[action]
    with write_transaction(session):
        event = _locked(session, event_id)
        ensure_can_manage(actor, place_of_event(event))
        if event.status not in allowed_from:
            raise IllegalEventTransition(status=event.status)
        before = event.status
        event.status = target
        audit.record(
            session,
            actor_id=actor.id,
            action=f"event.{action}",
            village_id=event.village_id,
            target_type="event",
            target_id=event.id,
            before={"status": before},
            after={"status": target},
        )
    return event


def regenerate_key(session: Session, actor: User, event_id: int) -> Event:
    """Revoke every code the event ever issued (a poster photo went round, say)."""
    with write_transaction(session):
        event = _locked(session, event_id)
        ensure_can_run(actor, event)
        session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(qr_key_version=Event.qr_key_version + 1),
            execution_options={"synchronize_session": False},
        )
        session.expire(event)
        audit.record(
            session,
            actor_id=actor.id,
            action="event.regenerate_key",
            village_id=event.village_id,
            target_type="event",
            target_id=event.id,
            after={"qr_key_version": event.qr_key_version},
        )
    return event


def update_category_points(session: Session, actor: User, category_id: int, points: int) -> None:
    """A town's admins set a category's default points (a city-wide category: the city)."""
    if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= MAX_POINTS:
        raise InvalidInput("积分为 1 到 %(max)s 之间的整数。", max=MAX_POINTS)
    with write_transaction(session):
        category = session.get(EventCategory, category_id)
        if category is None:
            raise NotFound(what=f"类别 {category_id}")
        policy.ensure_may_change_settings(actor, Place(category.town_id))
        before = category.default_points
        category.default_points = points
        audit.record(
            session,
            actor_id=actor.id,
            action="category.points",
            town_id=category.town_id,
            target_type="event_category",
            target_id=category.id,
            before={"points": before},
            after={"points": points},
        )


def _locked(session: Session, event_id: int) -> Event:
    event = session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    return event


# --- the code on screen -----------------------------------------------------------------
def rotate_seconds(session: Session, event: Event, default: int) -> int:
    """How often an event's rotating code changes: its village's setting, its town's, the
    city's, else `default`. The code shown and the code judged both ask here (with an Event
    or the EventFacts of a scan)."""
    value = settings.get(
        session, "checkin_rotate_seconds", event.village_id, default=default, town_id=event.town_id
    )
    return max(5, int(value))


@dataclass(frozen=True)
class ShownCode:
    token: str
    expires_in: int  # seconds until the next code (static: until check-in closes)
    rotate_seconds: int


def current_code(
    event: Event, secret: str, rotate: int, *, mode: str | None = None, now: float | None = None
) -> ShownCode:
    """The code to show now: rotating (the live page) or static (the poster)."""
    moment = time.time() if now is None else now
    mode = mode or event.qr_mode
    if mode == "static":
        step = 0
        expires_in = max(0, int(timestamp(event.checkin_closes_at) - moment))
    else:
        step = codes.current_step(rotate, moment)
        expires_in = codes.seconds_left(rotate, moment)
    token = codes.make_event_code(
        secret, codes.EventCode(event.id, mode, step, event.qr_key_version)
    )
    return ShownCode(token=token, expires_in=expires_in, rotate_seconds=rotate)
