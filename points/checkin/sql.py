"""The check-in's statements, built once (see points/ledger_sql.py for why).

A check-in is the busiest write of the scheme: at a well-attended patrol briefing dozens of
phones scan within a minute, and SQLite takes one writer at a time.
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update

from points.checkin.window import is_open
from points.models import Account, Checkin, Event, Village

events = Event.__table__
checkins = Checkin.__table__
accounts = Account.__table__
villages = Village.__table__

# The fields checkin.EventFacts holds, in its order.
EVENT_FACTS = (
    select(
        events.c.id,
        events.c.title,
        events.c.points,
        events.c.town_id,
        events.c.village_id,
        villages.c.name,
        events.c.status,
        events.c.checkin_opens_at,
        events.c.checkin_closes_at,
        events.c.capacity,
        events.c.qr_mode,
        events.c.qr_key_version,
        events.c.rule_id,
    )
    .select_from(events.outerjoin(villages, villages.c.id == events.c.village_id))
    .where(events.c.id == bindparam("event_id"))
)

_when = bindparam("when")

# Take a place only while the event is open and not full: one guarded UPDATE decides and
# locks the event row. TAKE_PLACE_WITH_KEY also refuses a code whose key was regenerated.
TAKE_PLACE = (
    update(events)
    .where(
        events.c.id == bindparam("event_id"),
        is_open(events, _when),
        events.c.capacity.is_(None) | (events.c.checkin_count < events.c.capacity),
    )
    .values(checkin_count=events.c.checkin_count + 1)
)
TAKE_PLACE_WITH_KEY = TAKE_PLACE.where(events.c.qr_key_version == bindparam("key_version"))

RECORD = insert(checkins).returning(checkins.c.id)

LINK_TRANSFER = (
    update(checkins)
    .where(checkins.c.id == bindparam("checkin_id"))
    .values(transfer_id=bindparam("moved_id"))
)

EARLIER = select(
    checkins.c.id,
    checkins.c.event_id,
    checkins.c.points,
    checkins.c.method,
    checkins.c.created_at,
    checkins.c.capped_by,
).where(
    checkins.c.event_id == bindparam("event_id"),
    checkins.c.resident_id == bindparam("resident_id"),
)
