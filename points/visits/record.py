"""Recording a home visit: the worker's note (民情日记), what was found, the member who
confirmed it (their card scanned, or "confirmed in person"), and the awards under the rule
book — all in one write transaction, or nothing.

A household, a worker and a Shanghai day make one visit: recording it again that day (a
second tap, a retried upload) answers the first visit and awards nothing new.

Who earns is the rule book's: the confirming member under `home_visit` (平安家访), the
visitor under `home_visit_worker` where the book has that item; a missing item (or one not
in force that day) awards nothing on that side. Caps are the rules' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from points import policy, rules
from points.admin import audit
from points.clock import local, utcnow
from points.db import keep, write_transaction
from points.errors import (
    N_,
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    Msgid,
    NotFound,
    ResidentSuspended,
)
from points.models import HomeVisit, Household, IdempotencyRecord, User, Village
from points.models.visits import CONFIRMATIONS
from points.people.cards import resident_for_card
from points.places import settings
from points.policy import Place

MEMBER_RULE = "home_visit"
WORKER_RULE = "home_visit_worker"
MAX_NOTE = 1000
MAX_FOLLOW_UP = 500
# A visit kept on a phone without signal carries its client-made key under this scope.
CLIENT_KEY_SCOPE = "visit.client_key"
# A phone's clock may run a little fast; more than this is a wrong clock, not a visit.
CLOCK_SLACK = timedelta(minutes=5)


class BadVisit(DomainError):
    code = "invalid_visit"
    template = N_("家访记录有误：%(detail)s")


class NotAMember(DomainError):
    code = "not_a_member"
    template = N_("%(name)s 不是这一户的成员，不能确认这次家访。")


class ConfirmationNeeded(DomainError):
    code = "confirmation_needed"
    template = N_("请扫描这户成员的积分卡，或勾选“当面确认”并选择确认的成员。")


class VisitTooOld(DomainError):
    code = "offline_too_old"
    category = "conflict"
    template = N_("这次家访已过去 %(hours)s 小时以上才上传，不能再记录。")


class VisitInFuture(DomainError):
    code = "offline_future"
    template = N_("家访时间晚于现在，请检查手机的时间设置。")


@dataclass(frozen=True)
class Recorded:
    visit: HomeVisit
    already: bool
    member_award: dict | None = None
    worker_award: dict | None = None

    def answer(self) -> dict:
        found = view(self.visit)
        found["already"] = self.already
        if self.member_award is not None:
            found["member_award"] = self.member_award
        if self.worker_award is not None:
            found["worker_award"] = self.worker_award
        return found


def view(visit: HomeVisit) -> dict:
    return {
        "id": visit.id,
        "household_id": visit.household_id,
        "worker_id": visit.worker_id,
        "village_id": visit.village_id,
        "grid_id": visit.grid_id,
        "day": visit.day.isoformat(),
        "visited_at": visit.visited_at.isoformat() + "Z",
        "note": visit.note,
        "follow_up": visit.follow_up,
        "hazard_found": visit.hazard_found,
        "dispute_found": visit.dispute_found,
        "confirmed_by": visit.confirmed_by,
        "confirmation": visit.confirmation,
        "member_points": visit.member_points,
        "worker_points": visit.worker_points,
    }


def _text(value: object, limit: int, missing: str | None, too_long: str) -> str:
    text = str(value or "").strip()
    if missing is not None and not text:
        raise BadVisit(detail=Msgid(missing))
    if len(text) > limit:
        raise BadVisit(detail=Msgid(too_long))
    return text


def household_place(session: Session, household: Household) -> Place:
    town_id = session.scalar(select(Village.town_id).where(Village.id == household.village_id))
    return Place(town_id, household.village_id, household.grid_id)


def _member(
    session: Session,
    household: Household,
    confirmation: str,
    member_id: object,
    card_token: object,
    secret: str | None,
) -> User:
    if confirmation == "card":
        if not card_token or secret is None:
            raise ConfirmationNeeded()
        member = resident_for_card(session, secret, str(card_token))
    elif confirmation == "in_person":
        if isinstance(member_id, str) and member_id.strip().isdigit():
            member_id = int(member_id.strip())
        if isinstance(member_id, bool) or not isinstance(member_id, int):
            raise ConfirmationNeeded()
        member = session.get(User, member_id) if 0 < member_id < 2**31 else None
        if member is None:
            raise NotFound(what=Msgid(N_("该成员")))
    else:
        raise ConfirmationNeeded()
    if member.household_id != household.id:
        raise NotAMember(name=member.name)
    if not member.active:
        raise ResidentSuspended()
    return member


def record(
    session: Session,
    actor: User,
    *,
    household_id: int,
    note: object,
    follow_up: object = "",
    hazard_found: bool = False,
    dispute_found: bool = False,
    confirmation: object = None,
    member_id: object = None,
    card_token: object = None,
    secret: str | None = None,
    now: datetime | None = None,
    visited_at: datetime | None = None,
    client_key: str | None = None,
) -> Recorded:
    """Record a visit to a household, confirmed by one of its members, and award it.

    A visit kept on a phone without signal comes with `visited_at` (naive UTC) and the
    phone's `client_key`: it is judged on the Shanghai day of `visited_at` and awarded at
    that time, if no older than the place's `offline_max_lag_hours`; the same key sent
    again answers the first visit."""
    current = now or utcnow()
    moment = current if visited_at is None else visited_at
    if client_key is not None:
        client_key = client_key.strip()
        if not 1 <= len(client_key) <= 120:
            raise InvalidInput("client_key 长度应为 1 到 120 个字符。")
        earlier = _by_client_key(session, actor.id, client_key)
        if earlier is not None:
            if earlier.household_id != household_id:
                raise IdempotencyConflict()
            return Recorded(earlier, already=True)
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(what=Msgid(N_("该户")))
    place = household_place(session, household)
    policy.ensure_may_visit(actor, place, household.id)
    if visited_at is not None:
        _ensure_in_lag(session, place, visited_at, current)
    note = _text(note, MAX_NOTE, N_("请写下走访情况。"), N_("走访情况最多 1000 个字。"))
    follow_up = _text(follow_up, MAX_FOLLOW_UP, None, N_("需要跟进的事最多 500 个字。"))
    if confirmation not in CONFIRMATIONS:
        raise ConfirmationNeeded()
    member = _member(session, household, str(confirmation), member_id, card_token, secret)
    day = local(moment).date()
    earlier = _same_day(session, household.id, actor.id, day)
    if earlier is not None:
        return Recorded(earlier, already=True)
    try:
        with write_transaction(session):
            claim = None
            if client_key is not None:
                claim = IdempotencyRecord(
                    user_id=actor.id,
                    scope=CLIENT_KEY_SCOPE,
                    key=client_key,
                    request_hash=f"household:{household.id}",
                )
                session.add(claim)
            visit = HomeVisit(
                household_id=household.id,
                worker_id=actor.id,
                town_id=place.town_id,
                village_id=place.village_id,
                grid_id=place.grid_id,
                day=day,
                visited_at=moment,
                note=note,
                follow_up=follow_up,
                hazard_found=bool(hazard_found),
                dispute_found=bool(dispute_found),
                confirmed_by=member.id,
                confirmation=str(confirmation),
            )
            session.add(visit)
            session.flush()
            memo = f"平安家访 {household.code}"
            member_award = _award(session, MEMBER_RULE, member, visit, "member", memo, actor)
            worker_award = None
            if actor.village_id is not None:
                worker_award = _award(session, WORKER_RULE, actor, visit, "worker", memo, actor)
            visit.member_points = member_award["points"] if member_award else 0
            visit.worker_points = worker_award["points"] if worker_award else 0
            audit.record(
                session,
                actor_id=actor.id,
                action="visit.record",
                village_id=place.village_id,
                target_type="household",
                target_id=household.id,
                after={
                    "household": household.code,
                    "member": member.name,
                    "confirmation": visit.confirmation,
                    "hazard_found": visit.hazard_found,
                    "dispute_found": visit.dispute_found,
                    "points": visit.member_points,
                },
            )
            if claim is not None:
                claim.status_code = 201
                claim.response = {"visit_id": visit.id}
            keep(session, visit)
    except IntegrityError:
        # Another request recorded the same visit a moment ago: answer that one.
        session.rollback()
        earlier = _same_day(session, household.id, actor.id, day)
        if earlier is None and client_key is not None:
            earlier = _by_client_key(session, actor.id, client_key)
        if earlier is None:
            raise
        return Recorded(earlier, already=True)
    return Recorded(visit, False, member_award, worker_award)


def _ensure_in_lag(session: Session, place: Place, visited_at: datetime, now: datetime) -> None:
    """A visit kept offline is judged at its own time, within the offline lag of its place."""
    lag = int(
        settings.get(session, "offline_max_lag_hours", place.village_id, town_id=place.town_id)
    )
    if visited_at > now + CLOCK_SLACK:
        raise VisitInFuture()
    if now - visited_at > timedelta(hours=lag):
        raise VisitTooOld(hours=lag)


def _by_client_key(session: Session, worker_id: int, key: str) -> HomeVisit | None:
    """The visit first recorded under a phone's key (None if that key is new)."""
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == worker_id,
            IdempotencyRecord.scope == CLIENT_KEY_SCOPE,
            IdempotencyRecord.key == key,
        )
    )
    if record is None or not record.response:
        return None
    return session.get(HomeVisit, record.response.get("visit_id"))


def _same_day(session: Session, household_id: int, worker_id: int, day) -> HomeVisit | None:
    return session.scalar(
        select(HomeVisit).where(
            HomeVisit.household_id == household_id,
            HomeVisit.worker_id == worker_id,
            HomeVisit.day == day,
        )
    )


def _award(
    session: Session,
    code: str,
    person: User,
    visit: HomeVisit,
    side: str,
    memo: str,
    actor: User,
) -> dict | None:
    """The award of one side under its rule, or None where the book has no such item in
    force that day (a cap reached is an award of 0 that says why)."""
    rule = rules.rule_for(session, code, town_id=person.town_id, village_id=person.village_id)
    if rule is None or rules.terms_on(session, rule.id, visit.day) is None:
        return None
    done = rules.award(
        session,
        rule_id=rule.id,
        resident_id=person.id,
        memo=memo,
        at=visit.visited_at,
        reference=f"visit:{visit.id}:{side}",
        idempotency_key=f"visit:{visit.id}:{side}",
        actor_id=actor.id,
        kind="award",
    )
    return done.answer()


def recent(session: Session, actor: User, household_id: int, *, limit: int = 10) -> list:
    """A household's latest visits (民情日记), for whoever may visit it."""
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(what=Msgid(N_("该户")))
    policy.ensure_may_see_visits(actor, household_place(session, household))
    rows = session.execute(
        select(HomeVisit, User.name)
        .join(User, User.id == HomeVisit.worker_id)
        .where(HomeVisit.household_id == household_id)
        .order_by(HomeVisit.visited_at.desc(), HomeVisit.id.desc())
        .limit(limit)
    ).all()
    return [{**view(visit), "worker_name": name} for visit, name in rows]
