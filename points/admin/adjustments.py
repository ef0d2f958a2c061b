"""Awards and deductions (扣分) by an admin, always with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from points import ledger, policy, rules
from points.admin import audit
from points.db import keep, write_transaction
from points.errors import (
    N_,
    DomainError,
    DuplicateReference,
    InvalidAmount,
    InvalidInput,
    NotFound,
)
from points.models import Account, Checkin, Event, Rule, Transfer, User
from points.people import get_person
from points.places import settings, village_place


def check_reason(reason: object) -> str:
    text = str(reason or "").strip()
    if not text:
        raise InvalidInput("请填写加分或扣分的原因。")
    if len(text) > 200:
        raise InvalidInput("原因不超过 200 个字。")
    return text


@dataclass(frozen=True)
class Adjusted:
    """An adjustment by rule: its transfer and, under a rule book item, what the rule gave."""

    transfer: Transfer
    granted: rules.Granted | None = None
    balance: int | None = None  # the resident's points after it (None: not read)
    available: int | None = None
    signed: int | None = None  # the points as the resident's balance sees them (− deducts)

    # The transfer's fields, for callers that only need those.
    id = property(lambda self: self.transfer.id)
    amount = property(lambda self: self.transfer.amount)
    memo = property(lambda self: self.transfer.memo)
    debit_account_id = property(lambda self: self.transfer.debit_account_id)
    credit_account_id = property(lambda self: self.transfer.credit_account_id)

    def answer(self) -> dict:
        """The rule, its version, the points and any cap (empty for a configured label)."""
        return self.granted.answer() if self.granted else {}


def adjust(
    session: Session,
    *,
    actor: User,
    resident_id: int,
    amount: int,
    reason: str,
    idempotency_key: str | None = None,
) -> Transfer:
    """Award (amount > 0) or deduct (amount < 0) points; a deduction can't overdraw."""
    return adjustment(
        session,
        actor=actor,
        resident_id=resident_id,
        amount=amount,
        reason=reason,
        idempotency_key=idempotency_key,
    ).transfer


def adjustment(
    session: Session,
    *,
    actor: User,
    resident_id: int,
    amount: int,
    reason: str,
    idempotency_key: str | None = None,
) -> Adjusted:
    """`adjust`, answered with the resident's balance and available points after it.

    Read before the lock: the resident, who may adjust, both accounts. Inside it: the
    resident's counters (their UPDATE answers the balance), the village's issuance account,
    the chain head last, the audit entry; the answer is built from these values.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise InvalidAmount(limit=ledger.MAX_AMOUNT)
    ledger.check_amount(abs(amount))
    reason = check_reason(reason)
    resident = get_person(session, resident_id)
    policy.ensure_may_adjust(actor, resident)
    resident_id, village_id, town_id, actor_id = (
        resident.id,
        resident.village_id,
        resident.town_id,
        actor.id,
    )
    account, issuance = ledger.resident_and_village(session, resident_id, village_id, "issuance")
    read = {account.id: account, issuance.id: issuance} if account and issuance else None
    with write_transaction(session):
        if read is None:  # the village's first award opens its account
            account_id = ledger.resident_account(session, resident_id).id
            issuance_id = ledger.village_account(session, village_id, "issuance").id
        else:
            account_id, issuance_id = account.id, issuance.id
        debit, credit = (issuance_id, account_id) if amount > 0 else (account_id, issuance_id)
        fields = dict(
            debit_id=debit,
            credit_id=credit,
            amount=abs(amount),
            kind="adjust",
            memo=reason,
            actor_id=actor_id,
        )
        if idempotency_key is None:
            moved = ledger.move(session, **fields, read=read)
            balance, available, done = moved.balance, moved.available, moved.as_transfer(session)
        else:
            done = ledger.transfer(
                session, **fields, idempotency_key=f"adjust:{actor_id}:{idempotency_key}"
            )
            balance, available = _counters(session, account_id)
        audit.record(
            session,
            actor_id=actor_id,
            action="points.adjust",
            village_id=village_id,
            town_id=town_id,
            target_type="user",
            target_id=resident_id,
            after={"amount": amount, "reason": reason, "transfer_id": done.id},
        )
        keep(session, done)
    return Adjusted(done, None, balance, available, amount)


def _counters(session: Session, account_id: int) -> tuple[int, int]:
    """A resident account's (balance, available) as this transaction sees it."""
    found = session.execute(
        select(Account.balance, Account.available).where(Account.id == account_id)
    ).one()
    return int(found[0]), int(found[1])


# --- configured rules (见义勇为 +50, 私拉电线 −10 …) ----------------------------------------
class UnknownRule(DomainError):
    code = "unknown_rule"
    template = N_("本村没有“%(label)s”这条加扣分规则。")


class NothingToReverse(DomainError):
    code = "nothing_to_reverse"
    category = "conflict"
    template = N_("这次签到已达积分上限，没有记分，无需撤销。")


class AlreadyReversed(DomainError):
    code = "already_reversed"
    category = "conflict"
    template = N_("这次签到已经撤销过了。")


def rules_for(session: Session, village_id: int | None) -> list[dict]:
    """The rules an admin may adjust by in a village: the rule book's items in force, then
    the village's configured labels (its own, else its town's): [{label, amount}]."""
    found: list[dict] = []
    if village_id is not None:
        for item in rules.current_items(session, village_id=village_id):
            if item.tiers or item.points_max is not None or not item.points:
                continue  # tiers and per-event amounts are chosen on the API
            amount = -item.points if item.kind == "deduct" else item.points
            found.append({"label": item.name, "amount": amount, "code": item.code})
    labels = {r["label"] for r in found}
    configured = settings.get(session, "deduction_rules", village_id) or []
    found += [
        r
        for r in configured
        if isinstance(r, dict) and r.get("label") and r.get("amount") and r["label"] not in labels
    ]
    return found


class CapReached(DomainError):
    code = "cap_reached"
    category = "conflict"
    template = N_("%(message)s，这次没有记分。")


def _book_rule(session: Session, resident: User, wanted: str):
    """The rule book's item a label names (its code or its name), in force today."""
    rule = rules.rule_for(session, wanted, town_id=resident.town_id, village_id=resident.village_id)
    if rule is not None:
        return rule
    for item in rules.current_items(
        session, town_id=resident.town_id, village_id=resident.village_id
    ):
        if wanted in (item.name, item.name_en):
            return session.get(Rule, item.rule_id)
    return None


def adjust_by_rule(
    session: Session,
    *,
    actor: User,
    resident_id: int,
    rule: str,
    note: str = "",
    tier: str | None = None,
    units: int | None = None,
    idempotency_key: str | None = None,
) -> Adjusted:
    """Award or deduct by a rule of the rule book (by code or name), or by one of the
    village's configured labels (setting `deduction_rules`); the rule's name is the reason.

    A rule book item goes through its caps: capped to nothing, it is refused (CapReached)
    and nothing is written.
    """
    resident = get_person(session, resident_id)
    policy.ensure_may_adjust(actor, resident)
    note = str(note or "").strip()[:200]
    found = _book_rule(session, resident, str(rule or "").strip())
    if found is not None:
        return _adjust_under(session, actor, resident, found, note, tier, units, idempotency_key)
    chosen = next((r for r in rules_for(session, resident.village_id) if r["label"] == rule), None)
    if chosen is None:
        raise UnknownRule(label=rule)
    reason = f"{chosen['label']}：{note}" if note else chosen["label"]
    return adjustment(
        session,
        actor=actor,
        resident_id=resident_id,
        amount=int(chosen["amount"]),
        reason=reason,
        idempotency_key=idempotency_key,
    )


def _adjust_under(
    session: Session,
    actor: User,
    resident: User,
    rule: Rule,
    note: str,
    tier: str | None,
    units: int | None,
    idempotency_key: str | None,
) -> Adjusted:
    terms = rules.terms_on(session, rule.id, rules.today())
    name = terms.name if terms else rule.code
    reason = f"{name}：{note}" if note else name
    resident_id, village_id, actor_id = resident.id, resident.village_id, actor.id
    with write_transaction(session):
        done = rules.award(
            session,
            rule_id=rule.id,
            resident_id=resident_id,
            memo=reason,
            tier=tier,
            units=units,
            actor_id=actor_id,
            idempotency_key=f"adjust:{actor_id}:{idempotency_key}" if idempotency_key else None,
        )
        if done.transfer_id is None:
            hit = done.granted.capped_by
            raise CapReached(message=hit.message if hit else name)
        moved = session.get(Transfer, done.transfer_id)
        audit.record(
            session,
            actor_id=actor_id,
            action="points.adjust",
            village_id=village_id,
            target_type="user",
            target_id=resident_id,
            after={
                "amount": done.granted.signed,
                "reason": reason,
                "transfer_id": moved.id,
                "rule": done.granted.terms.code,
                "rule_version": done.granted.terms.version,
            },
        )
        keep(session, moved)
    return Adjusted(moved, done.granted, done.balance, None, done.granted.signed)


# --- reversing a mistaken check-in ------------------------------------------------------
def reverse_checkin(session: Session, *, actor: User, checkin_id: int, reason: str) -> Transfer:
    """Take back a check-in's points by a compensating transfer (once; never overdraws)."""
    reason = check_reason(reason)
    with write_transaction(session):
        checkin = session.get(Checkin, checkin_id)
        if checkin is None:
            raise NotFound(what=f"签到 {checkin_id}")
        policy.ensure_may_adjust(actor, get_person(session, checkin.resident_id))
        if checkin.transfer_id is None:  # capped: counted, but no points to take back
            raise NothingToReverse()
        try:
            # The award's own compensating transfer (reference reverse:<award id>): once only.
            moved = ledger.reverse(session, checkin.transfer_id, memo=reason, actor_id=actor.id)
        except DuplicateReference as exc:
            raise AlreadyReversed() from exc
        audit.record(
            session,
            actor_id=actor.id,
            action="checkin.reverse",
            village_id=checkin.village_id,
            target_type="checkin",
            target_id=checkin.id,
            before={"points": checkin.points, "event_id": checkin.event_id},
            after={"amount": -checkin.points, "reason": reason, "transfer_id": moved.id},
        )
    return moved


def reversed_checkin_ids(session: Session, checkin_ids: list[int]) -> set[int]:
    """Which of these check-ins have been reversed."""
    if not checkin_ids:
        return set()
    awards = dict(
        session.execute(
            select(Checkin.transfer_id, Checkin.id).where(Checkin.id.in_(checkin_ids))
        ).all()
    )
    refs = [f"reverse:{transfer_id}" for transfer_id in awards if transfer_id is not None]
    found = session.scalars(select(Transfer.reference).where(Transfer.reference.in_(refs)))
    return {awards[int(ref.rsplit(":", 1)[1])] for ref in found}


def checkins_to_review(
    session: Session,
    viewer: User,
    *,
    resident_id: int | None = None,
    village_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    text: str | None = None,
) -> list:
    """Recent check-ins (one resident's, one village's, or the reader's whole scope), newest
    first, as (checkin, event title, resident name); `text` finds a resident's name, phone or
    phone ending, or an event's title."""
    query = (
        select(Checkin, Event.title, User.name)
        .join(Event, Event.id == Checkin.event_id)
        .join(User, User.id == Checkin.resident_id)
    )
    if resident_id is not None:
        person = get_person(session, resident_id)
        policy.ensure_may_see_reports(viewer, policy.place_of(person))
        query = query.where(Checkin.resident_id == resident_id)
    else:
        policy.ensure_may_see_reports(
            viewer,
            village_place(session, village_id) if village_id else policy.scope_of(viewer),
        )
        query = query.where(policy.within(viewer, village=Checkin.village_id))
        if village_id is not None:
            query = query.where(Checkin.village_id == village_id)
    text = (text or "").strip()[:64]
    if text:
        digits = text.replace(" ", "")
        if digits.isdigit():
            query = query.where(User.phone.like(f"%{digits}"))
        else:
            query = query.where(or_(User.name.like(f"%{text}%"), Event.title.like(f"%{text}%")))
    query = query.order_by(Checkin.id.desc()).limit(limit).offset(offset)
    return session.execute(query).all()
