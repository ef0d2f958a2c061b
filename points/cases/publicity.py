"""Points through public notice (公示): an award is held while the village may object.

    open ──(notice ends, no open or upheld objection: `points tick`)──▶ posted
      └───(an objection upheld by the village admin)────────────────▶ voided

An award is a pending transfer from the village's issuance account to the resident, made
under its rule when the case is decided (the caps are consumed then). A rule with
publicity_days 0 posts it at once. A notice runs to the end of its last Shanghai day.
Every move of a posting is a guarded UPDATE … WHERE status = 'open', so of two processes
only one posts (or voids) a hold; the ledger's UNIQUE(pending_id) is the last guard.

Locks, always in this order: objection → posting → accounts → ledger head.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from points import ledger, policy
from points import posting as posting_rules
from points.board.leaderboard import mask_name
from points.clock import day_start_utc, local, utcnow
from points.db import write_transaction
from points.errors import N_, DomainError, Msgid, NotFound
from points.models import Case, Objection, Posting, User
from points.people import notices
from points.rules.award import Granted

MAX_REASON = 200
POSTING_LABELS = {"open": N_("公示中"), "posted": N_("已入账"), "voided": N_("已撤销")}
OBJECTION_LABELS = {"open": N_("待处理"), "upheld": N_("异议成立"), "dismissed": N_("异议不成立")}


class PostingClosed(DomainError):
    code = "posting_closed"
    category = "conflict"
    template = N_("这条公示现在是「%(status)s」，已不能提出异议。")

    def __init__(self, posting: Posting) -> None:
        status = posting.status if posting.status != "open" else "posted"
        super().__init__(status=Msgid(POSTING_LABELS[status]))
        self.details = {"status": posting.status}


class AlreadyObjected(DomainError):
    code = "already_objected"
    category = "conflict"
    template = N_("您已经对这条公示提出过异议，每人只能提一次。")


class ObjectionDecided(DomainError):
    code = "illegal_transition"
    category = "conflict"
    template = N_("这条异议已经处理过了（%(status)s）。")

    def __init__(self, objection: Objection) -> None:
        super().__init__(status=Msgid(OBJECTION_LABELS[objection.status]))
        self.details = {"status": objection.status}


class ReasonNeeded(DomainError):
    code = "reason_required"
    template = N_("请写明理由（不超过 200 个字）。")


def clean_reason(reason: object, *, required: bool = True) -> str:
    text = str(reason or "").strip()
    if (required and not text) or len(text) > MAX_REASON:
        raise ReasonNeeded()
    return text


def notice_end(decided_at: datetime, days: int) -> tuple:
    """The last Shanghai day of a notice of `days` days from a decision, and its end (UTC)."""
    last_day = local(decided_at).date() + timedelta(days=days)
    return last_day, day_start_utc(last_day + timedelta(days=1))


# --- opening a notice (inside the deciding transaction) -------------------------------------
def hold_award(
    session: Session,
    *,
    case: Case,
    resident: User,
    granted: Granted,
    actor_id: int,
    now: datetime,
    what: str = "申报",
    reference: str | None = None,
) -> Posting:
    """Hold the granted points for the resident and put them on notice (or post them now).

    `what` names the case in the memo and the resident's notice (申报, 隐患报告, 矛盾调解);
    `reference` tells apart the holds of one case (a dispute's mediators)."""
    account = ledger.resident_account(session, resident.id).id
    issuance = ledger.village_account(session, case.village_id, "issuance").id
    hold = ledger.transfer(
        session,
        debit_id=issuance,
        credit_id=account,
        amount=granted.points,
        kind="award",
        memo=f"{what}：{granted.terms.name}",
        reference=reference or f"case:{case.id}",
        actor_id=actor_id,
        pending=True,
        now=now,
        rule_id=case.rule_id,
        rule_version_id=granted.terms.version_id,
    )
    days = granted.terms.publicity_days or 0
    last_day, ends_at = notice_end(now, days)
    posting = Posting(
        case_id=case.id,
        status="open",
        resident_id=resident.id,
        town_id=case.town_id,
        village_id=case.village_id,
        rule_id=case.rule_id,
        rule_name=granted.terms.name,
        points=granted.points,
        hold_transfer_id=hold.id,
        end_date=last_day,
        ends_at=ends_at if days > 0 else now,
        created_at=now,
    )
    session.add(posting)
    session.flush()
    if days == 0:
        _post(session, posting.id, now, memo=f"{what}通过，直接入账")
    else:
        subject = f"您申报的「{granted.terms.name}」" if what == "申报" else f"您的{what}"
        notices.notify(
            session,
            resident.id,
            "claim.posted",
            f"{subject}已通过审核，{granted.points} 分公示至 "
            f"{last_day.isoformat()}，公示期满无异议后入账。",
        )
    return posting


# --- the tick: post what is due ----------------------------------------------------------------
def _no_open_objection():
    return ~exists().where(Objection.posting_id == Posting.id, Objection.status == "open")


def _post(session: Session, posting_id: int, now: datetime, *, memo: str) -> bool:
    """Post one posting's hold if it is still open and due; False when another got there."""
    moved = session.execute(
        update(Posting)
        .where(
            Posting.id == posting_id,
            Posting.status == "open",
            Posting.ends_at <= now,
            _no_open_objection(),
        )
        .values(status="posted", resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return False
    posting = session.scalar(
        select(Posting).where(Posting.id == posting_id).execution_options(populate_existing=True)
    )
    ledger.post_pending(session, posting.hold_transfer_id, memo=memo)
    return True


def due(session: Session, now: datetime) -> list[int]:
    """Ids of notices that ended with no objection left open."""
    query = (
        select(Posting.id)
        .where(Posting.status == "open", Posting.ends_at <= now, _no_open_objection())
        .order_by(Posting.id)
    )
    return list(session.scalars(query))


def post_due(session: Session, now: datetime | None = None) -> int:
    """Post every hold whose notice has ended (idempotent; safe from several processes)."""
    moment = now or utcnow()
    posted = 0
    for posting_id in due(session, moment):
        with write_transaction(session):
            if _post(session, posting_id, moment, memo="公示期满无异议，入账"):
                posting = session.get(Posting, posting_id)
                notices.notify(
                    session,
                    posting.resident_id,
                    "claim.credited",
                    f"「{posting.rule_name}」公示期满，{posting.points} 分已入账。",
                )
                posted += 1
    return posted


# --- objections ------------------------------------------------------------------------------
def _locked_posting(session: Session, posting_id: int) -> Posting:
    posting = session.scalar(
        select(Posting)
        .where(Posting.id == posting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if posting is None:
        raise NotFound(what=f"公示 {posting_id}")
    return posting


def _locked_objection(session: Session, objection_id: int) -> Objection:
    objection = session.scalar(
        select(Objection)
        .where(Objection.id == objection_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if objection is None:
        raise NotFound(what=f"异议 {objection_id}")
    return objection


def object_to(
    session: Session, *, actor: User, posting_id: int, reason: object, now: datetime | None = None
) -> Objection:
    """A neighbour objects to a posting, once, while its notice runs."""
    moment = now or utcnow()
    with write_transaction(session):
        posting = _locked_posting(session, posting_id)
        policy.ensure_may_object(actor, policy.place_of(posting), posting.resident_id)
        text = clean_reason(reason)
        if posting.status != "open" or posting.ends_at <= moment:
            raise PostingClosed(posting)
        mine = select(Objection.id).where(
            Objection.posting_id == posting.id, Objection.objector_id == actor.id
        )
        if session.scalar(mine) is not None:
            raise AlreadyObjected()
        objection = Objection(
            posting_id=posting.id, objector_id=actor.id, reason=text, created_at=moment
        )
        session.add(objection)
        session.flush()
    return objection


def uphold(
    session: Session,
    *,
    actor: User,
    objection_id: int,
    reason: object = "",
    now: datetime | None = None,
) -> Objection:
    """The objection stands: the hold is voided and the claimant told why."""
    moment = now or utcnow()
    with write_transaction(session):
        objection = _locked_objection(session, objection_id)
        posting = _locked_posting(session, objection.posting_id)
        policy.ensure_may_decide_objection(actor, policy.place_of(posting))
        decision = clean_reason(reason, required=False)
        if objection.status != "open" or posting.status != "open":
            raise ObjectionDecided(objection)
        session.execute(
            update(Posting)
            .where(Posting.id == posting.id, Posting.status == "open")
            .values(status="voided", resolved_at=moment)
            .execution_options(synchronize_session=False)
        )
        ledger.void_pending(
            session, posting.hold_transfer_id, actor_id=actor.id, memo="公示异议成立"
        )
        # Every objection still open on it has been answered by this decision.
        for other in session.scalars(
            select(Objection).where(Objection.posting_id == posting.id, Objection.status == "open")
        ):
            other.status, other.decided_by, other.decided_at = "upheld", actor.id, moment
            other.decision = decision
        why = decision or objection.reason
        kind = session.scalar(select(Case.kind).where(Case.id == posting.case_id))
        whose = "您申报的" if kind == "claim" else "您的"
        notices.notify(
            session,
            posting.resident_id,
            "claim.voided",
            f"{whose}「{posting.rule_name}」在公示期间有村民提出异议，经核实异议成立，"
            f"{posting.points} 分不予入账。原因：{why}",
        )
    session.refresh(objection)
    return objection


def dismiss(
    session: Session,
    *,
    actor: User,
    objection_id: int,
    reason: object = "",
    now: datetime | None = None,
) -> Objection:
    """The objection does not stand: the notice runs on (and posts when it ends)."""
    moment = now or utcnow()
    with write_transaction(session):
        objection = _locked_objection(session, objection_id)
        posting = _locked_posting(session, objection.posting_id)
        policy.ensure_may_decide_objection(actor, policy.place_of(posting))
        decision = clean_reason(reason, required=False)
        if objection.status != "open":
            raise ObjectionDecided(objection)
        objection.status, objection.decided_by, objection.decided_at = "dismissed", actor.id, moment
        objection.decision = decision
    return objection


# --- reading -----------------------------------------------------------------------------------
def public_listing(session: Session, village_id: int, now: datetime | None = None) -> list[dict]:
    """The village's notices now running: masked names, rule, points, end date."""
    moment = now or utcnow()
    counts = (
        select(Objection.posting_id, func.count().label("n"))
        .group_by(Objection.posting_id)
        .subquery()
    )
    rows = session.execute(
        select(Posting, User.name, func.coalesce(counts.c.n, 0))
        .join(User, User.id == Posting.resident_id)
        .outerjoin(counts, counts.c.posting_id == Posting.id)
        .where(Posting.village_id == village_id, Posting.status == "open", Posting.ends_at > moment)
        .order_by(Posting.ends_at, Posting.id)
    ).all()
    listed = [
        {
            "id": posting.id,
            "display_name": mask_name(name),
            "rule": posting.rule_name,
            "points": posting.points,
            "end_date": posting.end_date,
            "ends_at": posting.ends_at,
            "objections": objections,
        }
        for posting, name, objections in rows
    ]
    return posting_rules.shown_on_publicity(session, listed)  # opt-out, upheld appeals


def open_objections(session: Session, actor: User, village_id: int | None = None) -> list[dict]:
    """Objections waiting for a decision in the admin's reach."""
    query = (
        select(Objection, Posting)
        .join(Posting, Posting.id == Objection.posting_id)
        .where(Objection.status == "open")
        .where(policy.within(actor, village=Posting.village_id, town=Posting.town_id))
        .order_by(Objection.id)
    )
    if village_id is not None:
        query = query.where(Posting.village_id == village_id)
    found = []
    for objection, posting in session.execute(query):
        claimant = session.get(User, posting.resident_id)
        case = session.get(Case, posting.case_id)
        found.append(
            {
                "id": objection.id,
                "posting_id": posting.id,
                "reason": objection.reason,
                "claimant": claimant.name,
                "rule": posting.rule_name,
                "points": posting.points,
                "title": case.title,
                "end_date": posting.end_date,
            }
        )
    return found


def pending_on_notice(session: Session) -> int:
    """Points held on open notices (equals the residents' pending credits from cases)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Posting.points), 0)).where(Posting.status == "open")
        )
        or 0
    )
