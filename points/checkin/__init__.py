"""Check-in: events and their codes, the refusals, and the award (the scheme's hot path).

Rooms: `events` (events and categories of safety work), `codes` (the signed QR token),
`window` (when an event takes check-ins, in Python and in SQL), `judge` (is this scan
valid), `award` (write the check-in and its points exactly once) and `sql` (the award's
prebuilt statements). Refusals carry reason codes (`refusals`).
"""

from points.checkin.award import (
    CheckinResult,
    award,
    check_in_manually,
    check_in_with_card,
    check_in_with_code,
    checked_in_already,
    checkins_of,
    people_for_manual_checkin,
    recent_checkins,
)
from points.checkin.judge import (
    EventFacts,
    ensure_eligible,
    event_facts,
    judge_code,
    read_event_code,
    verify_event_code,
)
from points.checkin.refusals import CheckinRefused
from points.checkin.window import ensure_open

__all__ = [
    "CheckinRefused",
    "CheckinResult",
    "EventFacts",
    "award",
    "check_in_manually",
    "check_in_with_card",
    "check_in_with_code",
    "checked_in_already",
    "checkins_of",
    "ensure_eligible",
    "ensure_open",
    "event_facts",
    "judge_code",
    "people_for_manual_checkin",
    "read_event_code",
    "recent_checkins",
    "verify_event_code",
]
