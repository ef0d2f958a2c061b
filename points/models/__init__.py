"""Tables only: no Flask request, no business rules."""

from points.models.base import Base, utcnow
from points.models.events import Checkin, Event, EventCategory
from points.models.ledger import Account, LedgerHead, Transfer
from points.models.people import Household, Role, User
from points.models.places import City, Grid, Town, Village, grid_staff
from points.models.records import AuditEntry, IdempotencyRecord, Notice, Setting
from points.models.rules import CapUsage, Rule, RuleBook, RuleBookVersion, RuleVersion
from points.models.shop import Redemption, Reward, StockMovement
from points.models.standings import EarnedTotal, Participation
from points.models.year import ExpiryWarning, HouseholdConsent, StatementIssue

__all__ = [
    "Account",
    "AuditEntry",
    "Base",
    "CapUsage",
    "Checkin",
    "City",
    "EarnedTotal",
    "Event",
    "EventCategory",
    "ExpiryWarning",
    "Grid",
    "Household",
    "HouseholdConsent",
    "IdempotencyRecord",
    "LedgerHead",
    "Notice",
    "Participation",
    "Redemption",
    "Reward",
    "Role",
    "Rule",
    "RuleBook",
    "RuleBookVersion",
    "RuleVersion",
    "Setting",
    "StatementIssue",
    "StockMovement",
    "Town",
    "Transfer",
    "User",
    "Village",
    "grid_staff",
    "utcnow",
]
