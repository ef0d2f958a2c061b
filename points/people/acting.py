"""代办: a grid worker acts for a resident who is present (no smartphone, no password).

A short session — 10 minutes, or until the worker ends it or logs out — in which the worker
may redeem or claim (申报) for the resident. Starting, every action and the end are audited
as done by the worker for the resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.clock import utcnow
from points.db import write_transaction
from points.errors import N_, DomainError
from points.models import ActingSession, Redemption, Reward, User
from points.people.registry import get_person
from points.shop import redemption

LENGTH = timedelta(minutes=10)


class ActingEnded(DomainError):
    code = "acting_ended"
    category = "gone"
    template = N_("代办已结束（超过 10 分钟或已退出），请重新开始代办。")


class PresenceNotConfirmed(DomainError):
    code = "presence_not_confirmed"
    template = N_("代办需要村民本人在场，请确认。")


@dataclass(frozen=True)
class Acting:
    id: int
    resident: User
    ends_at: datetime


def start(
    session: Session, actor: User, resident_id: int, *, present: bool, now: datetime | None = None
) -> Acting:
    """Begin acting for a resident who is present; any earlier session of the worker ends."""
    if not present:
        raise PresenceNotConfirmed()
    moment = now or utcnow()
    with write_transaction(session):
        resident = get_person(session, resident_id)
        policy.ensure_may_act_for(actor, resident)
        _end_open(session, actor.id, "done", moment)
        row = ActingSession(
            actor_id=actor.id, resident_id=resident.id, started_at=moment, ends_at=moment + LENGTH
        )
        session.add(row)
        session.flush()
        _audit(session, actor, resident, "proxy.start", {"until": _minute(row.ends_at)})
        acting = Acting(row.id, resident, row.ends_at)
    return acting


def current(
    session: Session, actor: User, acting_id: int | None, now: datetime | None = None
) -> Acting:
    """The worker's open session, or ActingEnded (over 10 minutes, ended, someone else's)."""
    moment = now or utcnow()
    row = session.get(ActingSession, acting_id) if acting_id else None
    if row is None or row.actor_id != actor.id or row.ended_at is not None:
        raise ActingEnded()
    if moment >= row.ends_at:
        with write_transaction(session):
            _end_open(session, actor.id, "expired", row.ends_at)
        raise ActingEnded()
    return Acting(row.id, session.get(User, row.resident_id), row.ends_at)


def end(session: Session, actor: User, reason: str = "done", now: datetime | None = None) -> None:
    """End the worker's open session (done, or logged out)."""
    with write_transaction(session):
        _end_open(session, actor.id, reason, now or utcnow())


def redeem_for(
    session: Session,
    actor: User,
    acting_id: int | None,
    *,
    reward_id: int,
    quantity: object,
    now: datetime | None = None,
) -> Redemption:
    """Ask for a reward for the resident, as they would themself; audited by-X-for-Y."""
    acting = current(session, actor, acting_id, now)
    resident = acting.resident
    policy.ensure_may_act_for(actor, resident)
    with write_transaction(session):  # the request and its by-X-for-Y line, or neither
        asked = redemption.request(
            session, resident=resident, reward_id=reward_id, quantity=quantity
        )
        reward = session.get(Reward, asked.reward_id)
        _audit(
            session,
            actor,
            resident,
            "proxy.redeem",
            {"reward": reward.name, "quantity": asked.quantity, "points": asked.points},
        )
    return asked


def claim_for(
    session: Session,
    actor: User,
    acting_id: int | None,
    *,
    rule_code: object,
    title: object,
    description: object = "",
    units: object = None,
    photo: str | None = None,
    now: datetime | None = None,
):
    """Claim a rule item for the resident, as they would themself (the claim is theirs and is
    decided as theirs); audited by-X-for-Y."""
    from points.cases import claims  # (cases → people: imported on use)

    acting = current(session, actor, acting_id, now)
    resident = acting.resident
    policy.ensure_may_act_for(actor, resident)
    with write_transaction(session):  # the claim and its by-X-for-Y line, or neither
        case = claims.submit(
            session,
            claimant=resident,
            rule_code=rule_code,
            title=title,
            description=description,
            units=units,
            photo=photo,
            now=now,
            filed_by=actor.id,
        )
        _audit(
            session,
            actor,
            resident,
            "proxy.claim",
            {"title": case.title, "rule": str(rule_code), "case": case.id},
        )
    return case


def _end_open(session: Session, actor_id: int, reason: str, moment: datetime) -> None:
    open_rows = list(
        session.scalars(
            select(ActingSession).where(
                ActingSession.actor_id == actor_id, ActingSession.ended_at.is_(None)
            )
        )
    )
    for row in open_rows:
        session.execute(
            update(ActingSession)
            .where(ActingSession.id == row.id)
            .values(ended_at=min(moment, row.ends_at), end_reason=reason)
        )
        actor = session.get(User, actor_id)
        _audit(session, actor, session.get(User, row.resident_id), "proxy.end", {"why": reason})


def _audit(session: Session, actor: User, resident: User, action: str, after: dict) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        action=action,
        village_id=resident.village_id,
        target_type="user",
        target_id=resident.id,
        after=after,
    )


def _minute(moment: datetime) -> str:
    from points.clock import local_time

    return local_time(moment, "%H:%M")
