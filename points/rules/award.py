"""Every award goes through a rule: the one function each way of earning (or losing) points
calls — check-in, adjustments by rule, and later claims and home visits.

`grant` runs inside the caller's write transaction: it resolves the rule's version in force
at the award's Shanghai day and consumes its caps atomically, answering how many points the
award may move (0 when a cap is reached; the check-in still counts). `award` is the whole
award for callers without a transaction of their own: grant, then the ledger transfer that
records the rule and its version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from points import ledger
from points.clock import local, utcnow
from points.db import write_transaction
from points.errors import N_, DomainError, NotFound
from points.models import Rule, RuleBook, RuleVersion, Transfer, User
from points.rules import caps as cap_rules
from points.rules import sql
from points.rules.caps import CapHit
from points.rules.terms import Terms


class RuleNotInForce(DomainError):
    code = "rule_not_in_force"
    category = "conflict"
    template = N_("“%(rule)s”这条积分规则在 %(day)s 不在现行细则中。")


class RuleOfAnotherPlace(DomainError):
    code = "rule_of_another_place"
    category = "forbidden"
    template = N_("这条积分规则不是%(name)s所在村镇的细则。")


class HouseholdRule(DomainError):
    code = "household_rule"
    template = N_("这是以户为单位的条款，请在家庭页面记入家庭积分。")


class UnknownTier(DomainError):
    code = "unknown_tier"
    template = N_("“%(rule)s”没有“%(tier)s”这一档。")


@dataclass(frozen=True)
class Granted:
    """What an award under a rule may move, after its caps."""

    terms: Terms
    asked: int  # before caps
    points: int  # after caps (0: capped)
    units: int
    capped_by: CapHit | None  # the cap that held it back, if one did

    @property
    def signed(self) -> int:
        """The points as the resident's balance sees them (a deduction is negative)."""
        return -self.points if self.terms.kind == "deduct" else self.points

    def answer(self) -> dict:
        """The fields every award answer carries."""
        found = {
            "rule_code": self.terms.code,
            "rule_name": self.terms.name,
            "rule_version": self.terms.version,
            "points": self.signed,
        }
        if self.capped_by is not None:
            found["capped_by"] = self.capped_by.as_dict()
        return found


def terms_in_force(connection: Connection, rule_id: int, at: datetime) -> Terms:
    """What the rule says on the award's Shanghai day (its book's version then in force)."""
    day = local(at).date()
    row = connection.execute(sql.RULE_IN_FORCE, {"rule_id": rule_id, "day": day}).first()
    if row is None:
        name = connection.scalar(sql.RULE_CODE, {"rule_id": rule_id})
        if name is None:
            raise NotFound(what=f"积分规则 {rule_id}")
        raise RuleNotInForce(rule=name, day=day.isoformat())
    return Terms.from_row(row)


def grant(
    connection: Connection,
    *,
    rule_id: int,
    resident_id: int,
    household_id: int | None,
    at: datetime,
    asked: int | None = None,
    tier: str | None = None,
    units: int | None = None,
    occasion: str | None = None,
    first_report: bool = True,
    terms: Terms | None = None,
) -> Granted:
    """Decide an award under a rule and consume its caps; in the caller's write transaction.

    `asked`: the amount an event names (fitted to the version in force); `tier`: a tier by
    name; `units`: hours (for an hourly rule); `occasion`: the event or case, for caps per
    occasion; `first_report`: False for a later reporter of a first-reporter-only rule;
    `terms`: the rule's terms in force at `at` as the caller read them before its lock
    (terms_in_force: a published version never changes), so that only the caps are read
    under it.
    """
    if terms is None:
        terms = terms_in_force(connection, rule_id, at)
    if terms.subject == "household":
        raise HouseholdRule()  # a household's item counts in its score (households.items)
    if tier is not None and terms.tiers and terms.tier_named(tier) is None:
        raise UnknownTier(rule=terms.name, tier=tier)
    if terms.first_reporter_only and not first_report:
        amount = terms.later_reporter_points or 0
        count = 1
    else:
        amount = terms.amount(asked=asked, tier=tier, units=units or 1)
        count = units if units is not None else terms.units_of(amount)
    if amount <= 0:
        return Granted(terms, 0, 0, count, None)
    allowed = cap_rules.consume(
        connection,
        rule_id=rule_id,
        caps=list(terms.caps),
        resident_id=resident_id,
        household_id=household_id,
        at=at,
        units=count,
        points=amount,
        occasion=occasion,
    )
    hit = CapHit(allowed.hit, terms.name, terms.unit) if allowed.hit is not None else None
    return Granted(terms, amount, allowed.points, allowed.units, hit)


@dataclass(frozen=True)
class Award:
    granted: Granted
    transfer_id: int | None  # None when a cap left nothing to move
    balance: int

    def answer(self) -> dict:
        return {**self.granted.answer(), "transfer_id": self.transfer_id, "balance": self.balance}


def award(
    session: Session,
    *,
    rule_id: int,
    resident_id: int,
    memo: str,
    at: datetime | None = None,
    asked: int | None = None,
    tier: str | None = None,
    units: int | None = None,
    occasion: str | None = None,
    first_report: bool = True,
    reference: str | None = None,
    idempotency_key: str | None = None,
    actor_id: int | None = None,
    kind: str = "adjust",
) -> Award:
    """Award (or, under a deduct rule, deduct) points to a resident under a rule, in one
    write transaction: the rule's version in force, its caps, the transfer naming both.

    Points come from (a deduction goes to) the resident's village's issuance account.
    Callers check who may do it first (policy); this only applies the rule.
    """
    moment = at or utcnow()
    resident = session.get(User, resident_id)
    if resident is None or resident.village_id is None:
        raise NotFound(what=f"村民 {resident_id}")
    household_id, village_id, town_id = resident.household_id, resident.village_id, resident.town_id
    book = session.execute(
        select(RuleBook.town_id, RuleBook.village_id)
        .join(Rule, Rule.book_id == RuleBook.id)
        .where(Rule.id == rule_id)
    ).first()
    if book is None:
        raise NotFound(what=f"积分规则 {rule_id}")
    if book.town_id != town_id or book.village_id not in (None, village_id):
        raise RuleOfAnotherPlace(name=resident.name)
    household_item = select(RuleVersion.id).where(
        RuleVersion.rule_id == rule_id, RuleVersion.subject == "household"
    )
    if session.scalar(household_item.limit(1)) is not None:
        raise HouseholdRule()  # its points go to the household's score (households.items)
    with write_transaction(session):
        if idempotency_key is not None:
            earlier = session.scalar(
                select(Transfer).where(Transfer.idempotency_key == idempotency_key)
            )
            if earlier is not None and earlier.rule_id == rule_id:
                # A replay: the original award, its caps consumed once.
                terms = terms_in_force(session.connection(), rule_id, earlier.created_at)
                granted = Granted(terms, earlier.amount, earlier.amount, 1, None)
                balance = ledger.balance_now(
                    session, ledger.resident_account(session, resident_id).id
                )
                return Award(granted, earlier.id, balance)
        granted = grant(
            session.connection(),
            rule_id=rule_id,
            resident_id=resident_id,
            household_id=household_id,
            at=moment,
            asked=asked,
            tier=tier,
            units=units,
            occasion=occasion,
            first_report=first_report,
        )
        account = ledger.resident_account(session, resident_id).id
        moved_id = None
        if granted.points > 0 and granted.terms.kind == "earn":
            from points.rules.budget import ensure_within  # (places → rules → places)

            ensure_within(session, village_id, town_id, moment, granted.points)
        if granted.points > 0:
            issuance = ledger.village_account(session, village_id, "issuance").id
            debit, credit = (
                (issuance, account) if granted.terms.kind == "earn" else (account, issuance)
            )
            moved = ledger.transfer(
                session,
                debit_id=debit,
                credit_id=credit,
                amount=granted.points,
                kind=kind,
                memo=memo,
                reference=reference,
                idempotency_key=idempotency_key,
                actor_id=actor_id,
                rule_id=rule_id,
                rule_version_id=granted.terms.version_id,
                now=at,
            )
            moved_id = moved.id
        balance = ledger.balance_now(session, account)
    return Award(granted, moved_id, balance)
