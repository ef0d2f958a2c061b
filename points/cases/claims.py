"""Claims (申报): a resident claims a rule item done without a QR code; it is decided once.

    submitted ──approve──▶ approved   (the award is held under the rule and put on notice)
        └──────reject───▶ rejected   (with a reason; the claimant is told)

Each decision is one write transaction that locks the case row, asks the policy who may
decide (the rule's confirm_by says whether grid workers may), checks the state against
TRANSITIONS and acts; anything else is IllegalTransition (409, nothing written). Two
approvers at once: the second finds the claim approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import policy, rules
from points.admin import audit
from points.cases import machine, publicity
from points.clock import local, utcnow
from points.db import write_transaction
from points.errors import N_, DomainError, Msgid, NotFound
from points.models import Case, Posting, User
from points.people import notices
from points.rules.award import Granted, grant, terms_in_force
from points.rules.budget import ensure_within

MAX_TITLE = 100
MAX_DESCRIPTION = 2000
MAX_UNITS = 24
STATUS_LABELS = {"submitted": N_("待审核"), "approved": N_("已通过"), "rejected": N_("未通过")}
ACTION_LABELS = {"approve": N_("审核通过"), "reject": N_("驳回")}
TRANSITIONS = {"approve": ("submitted", "approved"), "reject": ("submitted", "rejected")}


class IllegalTransition(DomainError):
    code = "illegal_transition"
    category = "conflict"
    template = N_("申报 %(id)s 现在是「%(status)s」，不能%(action)s。")

    def __init__(self, case: Case, action: str) -> None:
        super().__init__(
            id=case.id,
            status=Msgid(STATUS_LABELS[case.status]),
            action=Msgid(ACTION_LABELS[action]),
        )
        self.status = case.status
        self.details = {"status": case.status}


class BadClaim(DomainError):
    code = "invalid_claim"
    template = N_("申报有误：%(detail)s")


class EvidenceNeeded(DomainError):
    code = "evidence_required"
    template = N_("“%(rule)s”需要附上证明照片。")


class NotClaimable(DomainError):
    code = "not_claimable"
    template = N_("“%(rule)s”是扣分条款，不能申报。")


def advance(case: Case, action: str) -> str:
    start, end = TRANSITIONS[action]
    if case.status != start:
        raise IllegalTransition(case, action)
    return end


@dataclass(frozen=True)
class Decision:
    """A decided claim, with what its award came to (None for a rejection)."""

    case: Case
    granted: Granted | None = None
    posting: Posting | None = None

    def answer(self) -> dict:
        found = view(self.case)
        if self.granted is not None:
            found["award"] = self.granted.answer()
        if self.posting is not None:
            found["posting"] = {
                "id": self.posting.id,
                "status": self.posting.status,
                "end_date": self.posting.end_date.isoformat(),
                "ends_at": self.posting.ends_at.isoformat() + "Z",
            }
        return found


def view(case: Case) -> dict:
    return {
        "id": case.id,
        "kind": case.kind,
        "status": case.status,
        "rule_id": case.rule_id,
        "title": case.title,
        "description": case.description,
        "units": case.units,
        "village_id": case.village_id,
        "grid_id": case.grid_id,
        "reporter_id": case.reporter_id,
        "reason": case.reason or None,
        "photo": bool(case.photo),
        "created_at": case.created_at.isoformat() + "Z" if case.created_at else None,
    }


def _clean_text(value: object, limit: int, what: str, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise BadClaim(detail=f"请填写{what}")
    if len(text) > limit:
        raise BadClaim(detail=f"{what}不超过 {limit} 个字")
    return text


def _clean_units(units: object) -> int | None:
    if units in (None, ""):
        return None
    if isinstance(units, str) and units.strip().isdigit():
        units = int(units.strip())
    if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= MAX_UNITS:
        raise BadClaim(detail=f"时长应为 1 到 {MAX_UNITS} 小时")
    return units


def submit(
    session: Session,
    *,
    claimant: User,
    rule_code: object,
    title: object,
    description: object = "",
    units: object = None,
    photo: str | None = None,
    now: datetime | None = None,
    filed_by: int | None = None,
) -> Case:
    """A resident claims a rule item of their village's book (with an optional photo);
    `filed_by`: the grid worker filing it for them under 代办 (who then may not decide it)."""
    policy.ensure_may_claim(claimant)
    moment = now or utcnow()
    title = _clean_text(title, MAX_TITLE, "事项", required=True)
    description = _clean_text(description, MAX_DESCRIPTION, "说明", required=False)
    hours = _clean_units(units)
    code = str(rule_code or "").strip()
    rule = rules.rule_for(session, code, town_id=claimant.town_id, village_id=claimant.village_id)
    if rule is None:
        raise rules.UnknownRuleCode(code=code)
    terms = rules.terms_on(session, rule.id, local(moment).date())
    if terms is None:
        raise rules.RuleNotInForce(rule=code, day=local(moment).date().isoformat())
    if terms.kind != "earn":
        raise NotClaimable(rule=terms.name)
    if terms.evidence_required and not photo:
        raise EvidenceNeeded(rule=terms.name)
    with write_transaction(session):
        case = machine.new_case(
            session,
            "claim",
            "submitted",
            reporter_id=claimant.id,
            place=policy.Place(claimant.town_id, claimant.village_id, claimant.grid_id),
            title=title,
            description=description,
            now=moment,
            rule_id=rule.id,
            units=hours if terms.unit == "hour" else None,
            photo=photo,
            filed_by=filed_by,
        )
        _audit(session, claimant.id, "submit", case, "")
    return case


def _locked(session: Session, case_id: int) -> Case:
    case = session.scalar(
        select(Case)
        .where(Case.id == case_id, Case.kind == "claim")
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if case is None:
        raise NotFound(what=f"申报 {case_id}")
    return case


def _audit(session: Session, actor_id: int, action: str, case: Case, before: str) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        action=f"claim.{action}",
        village_id=case.village_id,
        target_type="case",
        target_id=case.id,
        before={"status": before},
        after={"status": case.status, "rule_id": case.rule_id, "reason": case.reason or None},
    )


def approve(
    session: Session,
    *,
    actor: User,
    case_id: int,
    tier: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Approve a claim: the award is held under its rule (caps consumed now) and put on
    notice for the rule's publicity days (none: posted at once)."""
    moment = now or utcnow()
    with write_transaction(session):
        case = _locked(session, case_id)
        terms = terms_in_force(session.connection(), case.rule_id, moment)
        place = policy.place_of(case)
        policy.ensure_may_decide_claim(
            actor, place, case.reporter_id, terms.confirm_by, filed_by=case.filed_by
        )
        before, status = case.status, advance(case, "approve")
        claimant = session.get(User, case.reporter_id)
        granted = grant(
            session.connection(),
            rule_id=case.rule_id,
            resident_id=claimant.id,
            household_id=claimant.household_id,
            at=moment,
            tier=tier,
            units=case.units,
            occasion=f"case{case.id}",
        )
        case.status, case.decided_by, case.decided_at = status, actor.id, moment
        posting = None
        if granted.points > 0:
            ensure_within(session, case.village_id, case.town_id, moment, granted.points)
            posting = publicity.hold_award(
                session,
                case=case,
                resident=claimant,
                granted=granted,
                actor_id=actor.id,
                now=moment,
            )
        else:
            notices.notify(
                session,
                claimant.id,
                "claim.capped",
                f"您申报的「{terms.name}」已通过审核，但已达到该项的积分上限，本次不加分。",
            )
        _audit(session, actor.id, "approve", case, before)
    return Decision(case, granted, posting)


def reject(
    session: Session, *, actor: User, case_id: int, reason: object, now: datetime | None = None
) -> Decision:
    """Reject a claim with a reason; the claimant is told."""
    moment = now or utcnow()
    with write_transaction(session):
        case = _locked(session, case_id)
        terms = terms_in_force(session.connection(), case.rule_id, case.created_at)
        policy.ensure_may_decide_claim(
            actor, policy.place_of(case), case.reporter_id, terms.confirm_by, filed_by=case.filed_by
        )
        text = publicity.clean_reason(reason)
        before, status = case.status, advance(case, "reject")
        case.status, case.decided_by, case.decided_at = status, actor.id, moment
        case.reason = text
        notices.notify(
            session,
            case.reporter_id,
            "claim.rejected",
            f"您申报的「{case.title}」未通过审核。原因：{text}",
        )
        _audit(session, actor.id, "reject", case, before)
    return Decision(case)


def get_for(session: Session, actor: User, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.kind != "claim":
        raise NotFound(what=f"申报 {case_id}")
    if case.reporter_id != actor.id:
        policy.ensure_may_see_claims(actor, policy.place_of(case))
    return case


def mine(session: Session, resident: User, *, limit: int = 50) -> list[Case]:
    return machine.reported_by(session, resident.id, "claim", limit=limit)


def queue(session: Session, actor: User, *, village_id: int | None = None) -> list[Case]:
    """Claims waiting for a decision in the actor's reach (grid workers: their grids')."""
    query = (
        select(Case)
        .where(Case.kind == "claim", Case.status == "submitted")
        .where(policy.within(actor, village=Case.village_id, town=Case.town_id, grid=Case.grid_id))
        .order_by(Case.id)
    )
    if village_id is not None:
        query = query.where(Case.village_id == village_id)
    return list(session.scalars(query))
