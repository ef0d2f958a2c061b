"""Household items of the rule book, and the household's base points.

Where a town's book has items whose subject is the household (文明家庭, 庭院整洁, a member's
offence that costs the household), an admin over the household's village records one under
the rule's version in force, with the rule's household caps consumed in the same write
transaction. The points count in the household's yearly score only.

The base (`household_base_points`, e.g. 桐乡: every household starts the year with 100) is
likewise a figure of the score, never money: no account holds it, so nobody can spend it,
and what a household may spend is exactly what its members' accounts hold — the points
above the base. Deductions lower the score from the base; they never overdraw an account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.clock import local, utcnow
from points.db import write_transaction
from points.errors import N_, DomainError, NotFound
from points.models import Household, HouseholdItem, RuleVersion, Village
from points.places import settings
from points.policy import Place
from points.rules import book
from points.rules import caps as cap_rules
from points.rules.award import UnknownTier, terms_in_force

BASE_SETTING = "household_base_points"


class NotAHouseholdRule(DomainError):
    code = "not_a_household_rule"
    template = N_("“%(rule)s”不是以户为单位的条款。")


class HouseholdCapReached(DomainError):
    code = "cap_reached"
    category = "conflict"
    template = N_("“%(rule)s”本户已达上限。")


def base_for(session: Session, village_id: int) -> int:
    value = settings.get(session, BASE_SETTING, village_id)
    return value if isinstance(value, int) and value > 0 else 0


def items_total(session: Session, household_id: int, year: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(HouseholdItem.points), 0)).where(
                HouseholdItem.household_id == household_id, HouseholdItem.year == year
            )
        )
        or 0
    )


def items_by_household(session: Session, village_id: int, year: int) -> dict[int, int]:
    rows = session.execute(
        select(HouseholdItem.household_id, func.sum(HouseholdItem.points))
        .where(HouseholdItem.village_id == village_id, HouseholdItem.year == year)
        .group_by(HouseholdItem.household_id)
    )
    return {hh: int(points) for hh, points in rows}


def _place(session: Session, household_id: int) -> tuple[Household, Place]:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(what=N_("该户"))
    town_id = session.scalar(select(Village.town_id).where(Village.id == household.village_id))
    return household, Place(town_id, household.village_id)


def record(
    session: Session,
    actor,
    household_id: int,
    *,
    rule_code: str,
    tier: str | None = None,
    units: int | None = None,
    memo: str = "",
    at: datetime | None = None,
) -> HouseholdItem:
    """Record a household item under the rule in force (its household caps consumed)."""
    household, place = _place(session, household_id)
    policy.ensure_may_award_household(actor, place)
    rule = book.rule_for(
        session, str(rule_code or ""), town_id=place.town_id, village_id=place.village_id
    )
    if rule is None:
        raise NotFound(what=N_("这条积分规则"))
    moment = at or utcnow()
    text = str(memo or "").strip()[:200]
    with write_transaction(session):
        connection = session.connection()
        terms = terms_in_force(connection, rule.id, moment)
        subject = session.scalar(
            select(RuleVersion.subject).where(RuleVersion.id == terms.version_id)
        )
        if subject != "household":
            raise NotAHouseholdRule(rule=terms.name)
        if tier is not None and terms.tiers and terms.tier_named(tier) is None:
            raise UnknownTier(rule=terms.name, tier=tier)
        amount = terms.amount(tier=tier, units=units or 1)
        allowed = cap_rules.consume(
            connection,
            rule_id=rule.id,
            caps=[cap for cap in terms.caps if cap.per == "household"],
            resident_id=0,
            household_id=household.id,
            at=moment,
            units=units or 1,
            points=amount,
        )
        if allowed.points <= 0:
            raise HouseholdCapReached(rule=terms.name)
        signed = -allowed.points if terms.kind == "deduct" else allowed.points
        item = HouseholdItem(
            household_id=household.id,
            town_id=place.town_id,
            village_id=place.village_id,
            rule_id=rule.id,
            rule_version_id=terms.version_id,
            points=signed,
            year=local(moment).year,
            memo=text or terms.name,
            actor_id=actor.id,
            created_at=moment,
        )
        session.add(item)
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="household.item",
            town_id=place.town_id,
            village_id=place.village_id,
            target_type="household",
            target_id=household.id,
            after={"rule": terms.code, "points": signed, "memo": item.memo},
        )
    return item


def household_rules(session: Session, town_id: int, village_id: int) -> list[tuple[str, str]]:
    """(code, name) of the household items in force for a village (for the admin's form)."""
    from points.rules import current_items  # (rules.reading reads whole books)

    found = []
    for terms in current_items(session, town_id=town_id, village_id=village_id):
        if terms.subject == "household":
            found.append((terms.code, terms.name))
    return found
