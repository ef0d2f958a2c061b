"""Home visits (平安家访 · 民情日记): door codes for households, recording a visit confirmed by a
member (earning under the rule book), and a grid's households with their last visits."""

from points.visits.doors import DoorInvalid, door_token, household_for_door
from points.visits.listing import HouseholdRow, door_sheet, households_of, quarter_start
from points.visits.record import (
    MEMBER_RULE,
    WORKER_RULE,
    BadVisit,
    NotAMember,
    Recorded,
    recent,
    record,
)

__all__ = [
    "MEMBER_RULE",
    "WORKER_RULE",
    "BadVisit",
    "DoorInvalid",
    "HouseholdRow",
    "NotAMember",
    "Recorded",
    "door_sheet",
    "door_token",
    "household_for_door",
    "households_of",
    "quarter_start",
    "recent",
    "record",
]
