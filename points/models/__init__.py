"""Tables only: no Flask request, no business rules."""

from points.models.base import Base, utcnow
from points.models.events import Checkin, Event, EventCategory
from points.models.ledger import (
    Account,
    LedgerCheckpoint,
    LedgerCheckpointBalance,
    LedgerHead,
    LedgerMonth,
    RollupMark,
    Transfer,
)
from points.models.people import Household, Role, User
from points.models.places import City, Grid, Town, Village, grid_staff
from points.models.records import AuditEntry, IdempotencyRecord, Notice, Setting
from points.models.shop import Redemption, Reward, StockMovement
from points.models.standings import EarnedTotal, Participation

__all__ = [
    "Account",
    "AuditEntry",
    "Base",
    "Checkin",
    "City",
    "EarnedTotal",
    "Event",
    "EventCategory",
    "Grid",
    "Household",
    "IdempotencyRecord",
    "LedgerCheckpoint",
    "LedgerCheckpointBalance",
    "LedgerHead",
    "LedgerMonth",
    "Notice",
    "Participation",
    "Redemption",
    "Reward",
    "Role",
    "RollupMark",
    "Setting",
    "StockMovement",
    "Town",
    "Transfer",
    "User",
    "Village",
    "grid_staff",
    "utcnow",
]
