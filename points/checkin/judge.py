"""Judge a scan: the event's facts in one read, its code at the moment it was scanned, and
whether this resident may take part.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from points.checkin import codes, events, sql
from points.checkin.refusals import (
    CodeExpired,
    CodeInvalid,
    CodeRevoked,
    NotAResident,
    OtherEvent,
    ResidentOtherTown,
    ResidentOtherVillage,
)
from points.checkin.window import ensure_open
from points.clock import from_timestamp
from points.errors import ResidentSuspended
from points.models import Event, User


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What a check-in decides on, read in one query (an Event object answers the same names)."""

    id: int
    title: str
    points: int
    town_id: int
    village_id: int | None
    village_name: str | None
    status: str
    checkin_opens_at: datetime
    checkin_closes_at: datetime
    capacity: int | None
    qr_mode: str
    qr_key_version: int
    rule_id: int | None = None


def event_facts(session: Session, event_id: int) -> EventFacts | None:
    row = session.connection().execute(sql.EVENT_FACTS, {"event_id": event_id}).first()
    return EventFacts(*row) if row is not None else None


def ensure_eligible(event: EventFacts, resident: User) -> None:
    """Refuse a suspended resident, or one from another village at a village event."""
    if not resident.active:
        raise ResidentSuspended()
    if resident.village_id is None:
        raise NotAResident(name=resident.name)
    if event.village_id is not None and resident.village_id != event.village_id:
        raise ResidentOtherVillage(name=resident.name, village=event.village_name or "")
    if resident.town_id != event.town_id:
        raise ResidentOtherTown(name=resident.name)


def verify_event_code(
    session: Session,
    secret: str,
    token: str,
    *,
    rotate_default: int,
    at: float | None = None,
    expected_event_id: int | None = None,
) -> Event:
    """Check an event QR code as read at `at` (server clock); return its event or refuse."""
    moment = time.time() if at is None else at
    code = read_event_code(secret, token)
    event = session.get(Event, code.event_id)
    judge_scan(session, code, event, moment, rotate_default, expected_event_id)
    return event


def judge_scan(
    session: Session,
    code: codes.EventCode,
    event: Event | EventFacts | None,
    moment: float,
    rotate_default: int,
    expected_event_id: int | None = None,
) -> None:
    """`judge_code`, with the event's rotation period read from the settings."""
    rotate = rotate_default
    if event is not None and code.mode == "rotating":
        rotate = events.rotate_seconds(session, event, rotate_default)
    judge_code(code, event, moment, rotate, expected_event_id)


def judge_code(
    code: codes.EventCode,
    event: Event | EventFacts | None,
    moment: float,
    rotate_seconds: int,
    expected_event_id: int | None = None,
) -> None:
    """Refuse unless the code is this event's current one and the event is open at `moment`.

    A rotating code is good for the step of `moment` and the one before; a static code
    (step 0) for as long as the window is open.
    """
    if event is None:
        raise CodeInvalid()
    if expected_event_id is not None and event.id != expected_event_id:
        raise OtherEvent(title=event.title)
    if code.key_version != event.qr_key_version or code.mode != event.qr_mode:
        raise CodeRevoked()
    if code.mode == "rotating":
        step = codes.current_step(rotate_seconds, moment)
        if code.step > step:
            raise CodeInvalid()
        if code.step < step - 1:
            raise CodeExpired()
    elif code.step != 0:
        raise CodeInvalid()
    ensure_open(event, from_timestamp(moment))


def read_event_code(secret: str, token: str) -> codes.EventCode:
    """Unpack a code whose signature is ours (no database needed)."""
    try:
        return codes.read_event_code(secret, token)
    except codes.BadToken as exc:
        raise CodeInvalid() from exc
