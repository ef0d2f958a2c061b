"""The rule book (积分细则): every point earned or deducted under a published, versioned rule.

What other packages call:
- `award(session, rule_id=…, resident_id=…, memo=…)`: a whole award under a rule, in its own
  write transaction (claims, home visits, adjustments by rule).
- `grant(connection, …)`: inside a caller's own write transaction (the check-in): resolves
  the version in force and consumes the caps; the caller writes the transfer with
  `rule_id` and `rule_version_id=granted.terms.version_id`.
- `rule_for(session, code, town_id=…, village_id=…)`, `terms_on(session, rule_id, day)`.
- `publish(session, actor, town_id=…|village_id=…, adoption=Adoption(…), items=[…])`.
"""

from points.errors import N_, DomainError
from points.rules.award import (
    Award,
    Granted,
    HouseholdRule,
    RuleNotInForce,
    RuleOfAnotherPlace,
    UnknownTier,
    award,
    grant,
    terms_in_force,
)
from points.rules.book import (
    Adoption,
    ensure_default_book,
    publish,
    publish_from_form,
    rule_for,
    terms_on,
    today,
)
from points.rules.caps import Cap, CapHit
from points.rules.reading import Book, BookVersion, book_of, current_items, versions_of
from points.rules.terms import Terms, Tier, item_view


class UnknownRuleCode(DomainError):
    code = "unknown_rule"
    template = N_("细则中没有“%(code)s”这一条。")


class NotAnEarningRule(DomainError):
    code = "not_an_earning_rule"
    template = N_("“%(rule)s”是扣分条款，活动只能按加分条款给分。")


def describe_points(terms: Terms) -> str:
    """The points a rule allows, in plain words (Chinese; the amounts are what matter)."""
    if terms.tiers:
        return " / ".join(f"{t.name} {t.points}" for t in terms.tiers)
    if terms.points_max is not None:
        return f"1–{terms.points_max}"
    if terms.unit == "hour":
        return f"{terms.points}/h"
    return str(terms.points)


__all__ = [
    "Adoption",
    "Award",
    "Book",
    "BookVersion",
    "Cap",
    "CapHit",
    "Granted",
    "HouseholdRule",
    "NotAnEarningRule",
    "RuleNotInForce",
    "RuleOfAnotherPlace",
    "Terms",
    "Tier",
    "UnknownRuleCode",
    "UnknownTier",
    "award",
    "book_of",
    "current_items",
    "describe_points",
    "ensure_default_book",
    "grant",
    "item_view",
    "publish",
    "publish_from_form",
    "rule_for",
    "terms_in_force",
    "terms_on",
    "today",
    "versions_of",
]
