"""Tables only: no Flask request, no business rules."""

from points.models.base import utcnow
from points.models.events import Checkin, Event, EventCategory
from points.models.ledger import Account, LedgerHead, Transfer
from points.models.people import Household, Role, User, Village
from points.models.records import AuditEntry, IdempotencyRecord, Notice, Setting
from points.models.shop import Redemption, Reward, StockMovement
from points.models.standings import EarnedTotal, Participation

__all__ = [
    "Account",
    "AuditEntry",
    "Checkin",
    "EarnedTotal",
    "Event",
    "EventCategory",
    "Household",
    "IdempotencyRecord",
    "LedgerHead",
    "Notice",
    "Participation",
    "Redemption",
    "Reward",
    "Role",
    "Setting",
    "StockMovement",
    "Transfer",
    "User",
    "Village",
    "utcnow",
]
