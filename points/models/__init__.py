"""Tables only: no Flask request, no business rules."""

from points.models.base import Base, utcnow
from points.models.cases import Case, CaseMediator, CaseParty, CasePhoto, Objection, Posting
from points.models.events import Checkin, Event, EventCategory
from points.models.field import ActingSession, OfflineScan
from points.models.ledger import (
    Account,
    LedgerCheckpoint,
    LedgerCheckpointBalance,
    LedgerHead,
    LedgerMonth,
    RollupMark,
    Transfer,
)
from points.models.lists import HouseholdItem, ListAppeal
from points.models.people import Household, Role, User
from points.models.places import City, Grid, Town, Village, grid_staff
from points.models.records import AuditEntry, IdempotencyRecord, Notice, Setting
from points.models.rules import CapUsage, Rule, RuleBook, RuleBookVersion, RuleVersion
from points.models.security import AttemptCounter
from points.models.shop import Redemption, Reward, StockMovement
from points.models.standings import EarnedTotal, Participation
from points.models.visits import HomeVisit
from points.models.year import ExpiryWarning, HouseholdConsent, StatementIssue

__all__ = [
    "Account",
    "ActingSession",
    "AttemptCounter",
    "AuditEntry",
    "Base",
    "CapUsage",
    "Case",
    "CaseMediator",
    "CaseParty",
    "CasePhoto",
    "Checkin",
    "City",
    "EarnedTotal",
    "Event",
    "EventCategory",
    "ExpiryWarning",
    "Grid",
    "HomeVisit",
    "Household",
    "HouseholdConsent",
    "HouseholdItem",
    "IdempotencyRecord",
    "LedgerCheckpoint",
    "LedgerCheckpointBalance",
    "LedgerHead",
    "LedgerMonth",
    "ListAppeal",
    "Notice",
    "Objection",
    "OfflineScan",
    "Participation",
    "Posting",
    "Redemption",
    "Reward",
    "Role",
    "RollupMark",
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
