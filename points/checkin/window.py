"""The check-in window: one rule, said twice — in Python for a refusal with its reason, and
as the SQL predicate the award's guarded UPDATE takes its place with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, Table

from points.checkin.refusals import EventCancelled, EventClosed, NotPublished, TooEarly, TooLate
from points.clock import local_time

OPEN_STATUS = "published"


class HasWindow(Protocol):
    status: str
    checkin_opens_at: datetime
    checkin_closes_at: datetime


def ensure_open(event: HasWindow, at: datetime) -> None:
    """Refuse unless the event is published and `at` is inside its check-in window."""
    if event.status == "draft":
        raise NotPublished()
    if event.status == "cancelled":
        raise EventCancelled()
    if event.status == "closed":
        raise EventClosed()
    if at < event.checkin_opens_at:
        raise TooEarly(opens=local_time(event.checkin_opens_at))
    if at > event.checkin_closes_at:
        raise TooLate(closes=local_time(event.checkin_closes_at))


def is_open(events: Table, when: ColumnElement) -> ColumnElement[bool]:
    """`ensure_open` as a WHERE clause over the events table (`when`: a bound parameter)."""
    return (
        (events.c.status == OPEN_STATUS)
        & (events.c.checkin_opens_at <= when)
        & (events.c.checkin_closes_at >= when)
    )
