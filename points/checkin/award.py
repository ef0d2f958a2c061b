"""Check-in: read a code (event QR or a resident's card), refuse with a reason, award once.

Validity (the code, its time step, the event's state and window, the resident's village and
standing) is checked before duplicates (pretix; Eventra #12578), and the award is exactly
once: the Checkin row (UNIQUE(event_id, resident_id)) and its ledger transfer
(reference `checkin:<id>`) are written in one transaction. A repeat is an answer —
"already checked in at <time>" — never an error, and never a second award.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from points import ledger, policy, rules
from points.checkin import sql
from points.checkin.events import ensure_can_run, place_of_event
from points.checkin.judge import (
    EventFacts,
    ensure_eligible,
    event_facts,
    judge_scan,
    read_event_code,
)
from points.checkin.refusals import CapacityReached, CodeRevoked, ScanTooOld
from points.checkin.window import ensure_open
from points.clock import from_timestamp
from points.db import write_transaction
from points.errors import NotFound, UnknownAccount
from points.ledger import earned
from points.models import Account, Checkin, Event, User, utcnow
from points.people.cards import resident_for_card
from points.places import settings
from points.rules import budget


# --- results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckinResult:
    id: int
    event_id: int
    event_title: str
    resident_id: int
    resident_name: str
    points: int
    balance: int
    checked_in_at: datetime
    method: str
    already: bool
    rule_code: str | None = None
    rule_version: int | None = None
    capped_by: dict | None = None  # the cap that held the award back: {per, period, …, message}


# --- use cases --------------------------------------------------------------------------
def check_in_with_code(
    session: Session,
    secret: str,
    *,
    token: str,
    resident: User,
    rotate_default: int,
    scanned_at: float | None = None,
    scan_ttl: int = 600,
    expected_event_id: int | None = None,
    now: float | None = None,
) -> CheckinResult:
    """A resident checks in with an event's QR code, verified when it was scanned.

    `scanned_at` is when the code was first verified (the resident may have logged in since);
    the code and the window are judged at that moment, the event's state at `now`.
    """
    moment = time.time() if now is None else now
    scanned = moment if scanned_at is None else scanned_at
    if moment - scanned > scan_ttl:
        raise ScanTooOld(minutes=max(1, scan_ttl // 60))
    code = read_event_code(secret, token)  # a forged code never opens a write transaction

    def judge() -> EventFacts:
        event = event_facts(session, code.event_id)
        judge_scan(session, code, event, scanned, rotate_default, expected_event_id)
        return event

    return award(
        session, event_id=code.event_id, resident=resident, method="self", at=scanned, judge=judge
    )


def check_in_with_card(
    session: Session,
    secret: str,
    *,
    event_id: int,
    card_token: str,
    actor: User,
    now: float | None = None,
) -> CheckinResult:
    """Staff scan a resident's printed card at their event."""
    event = _event_run_by(session, event_id, actor)
    resident = resident_for_card(session, secret, card_token)
    _ensure_may_check_in(actor, event, resident)
    return award(
        session,
        event_id=event.id,
        resident=resident,
        method="card",
        actor_id=actor.id,
        at=time.time() if now is None else now,
    )


def check_in_manually(
    session: Session,
    *,
    event_id: int,
    resident_id: int,
    actor: User,
    now: float | None = None,
) -> CheckinResult:
    """Staff check in a resident with neither phone nor card; the transfer names the staff."""
    event = _event_run_by(session, event_id, actor)
    resident = session.get(User, resident_id)
    if resident is None:
        raise NotFound(what=f"村民 {resident_id}")
    _ensure_may_check_in(actor, event, resident)
    return award(
        session,
        event_id=event.id,
        resident=resident,
        method="manual",
        actor_id=actor.id,
        at=time.time() if now is None else now,
    )


def _event_run_by(session: Session, event_id: int, actor: User) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    ensure_can_run(actor, event)
    return event


def _ensure_may_check_in(actor: User, event: Event, resident: User) -> None:
    policy.ensure_may_check_in(actor, place_of_event(event), resident)


def award(
    session: Session,
    *,
    event_id: int,
    resident: User,
    method: str,
    at: float,
    actor_id: int | None = None,
    recorded_at: datetime | None = None,
    judge: Callable[[], EventFacts] | None = None,
) -> CheckinResult:
    """Check the resident in and award the event's points, exactly once.

    Validity is read first (the code via `judge`, the event's state and window, the
    resident), then duplicates. The write transaction stays short, because SQLite runs one
    writer at a time: a guarded UPDATE takes the place only if the event is still open (and
    not full, and its key not regenerated), then the Checkin row and its transfer are
    written; a concurrent twin trips UNIQUE(event_id, resident_id) and is answered
    "already checked in", never an error. The window is judged at `at` (when the code was
    scanned); rows are stamped now (or `recorded_at`, for the demo's history).
    """
    when = from_timestamp(at)
    stamp = recorded_at or utcnow()
    event = judge() if judge else _event(session, event_id)
    ensure_open(event, when)
    ensure_eligible(event, resident)
    earlier = _existing(session, event.id, resident.id)
    if earlier is not None:
        return _result(session, earlier, event.title, resident.id, resident.name, already=True)
    # Plain values: the write transaction below starts by expiring every loaded object.
    event_id, asked, title, rule_id = event.id, event.points, event.title, event.rule_id
    key_version = event.qr_key_version if judge else None
    resident_id, village_id, name = resident.id, resident.village_id, resident.name
    town_id, grid_id = resident.town_id, resident.grid_id
    household_id = resident.household_id
    awarded_at = recorded_at or when
    issuance_village = event.village_id or village_id
    # Read before the lock (none of it changes under a check-in): both accounts, the rule's
    # terms in force (a published version is never altered) and whether the budget refuses.
    accounts = _award_accounts(session, resident_id, issuance_village)
    connection = session.connection()
    terms = rules.terms_in_force(connection, rule_id, awarded_at) if rule_id is not None else None
    refuse_over_budget = settings.get(
        session, "refuse_awards_over_budget", issuance_village, town_id=town_id
    )
    try:
        with write_transaction(session):
            # Inside SQLite's one-writer lock (PostgreSQL: row locks) only prebuilt statements:
            # the resident's own rows first (caps, the check-in, participation), then the rows
            # every scan shares, from the least to the most shared, each held the shortest
            # time: the event's place, the village's issuance account, the chain head.
            connection = session.connection()
            granted = None
            if terms is not None:
                granted = rules.grant(
                    connection,
                    rule_id=rule_id,
                    resident_id=resident_id,
                    household_id=household_id,
                    at=awarded_at,
                    asked=asked,
                    occasion=str(event_id),
                    terms=terms,
                )
            points = asked if granted is None else granted.points
            if points > 0 and refuse_over_budget:
                budget.ensure_within(session, issuance_village, town_id, awarded_at, points)
            checkin_id = connection.scalar(
                sql.RECORD,
                {
                    "event_id": event_id,
                    "resident_id": resident_id,
                    "village_id": village_id,
                    "method": method,
                    "actor_id": actor_id,
                    "points": points,
                    "created_at": stamp,
                    "rule_version_id": granted.terms.version_id if granted else None,
                    "capped_by": _capped_words(granted),
                },
            )
            earned.record_participation(
                connection, resident_id, village_id, stamp, town_id=town_id, grid_id=grid_id
            )
            _take_place(session, event_id, when, key_version)
            account = accounts["resident"]
            if points > 0:  # a capped check-in still counts, with no points
                issuance = accounts.get("issuance")
                if issuance is None:  # the village's first award opens its account
                    opened = ledger.village_account(session, issuance_village, "issuance")
                    issuance = ledger.LockedAccount(opened.id, "issuance", None, 0)
                moved = ledger.move(
                    session,
                    debit_id=issuance.id,
                    credit_id=account.id,
                    amount=points,
                    kind="award",
                    memo=title,
                    reference=f"checkin:{checkin_id}",
                    actor_id=actor_id,
                    now=stamp,
                    rule_id=rule_id if granted else None,
                    rule_version_id=granted.terms.version_id if granted else None,
                    read={issuance.id: issuance, account.id: account},
                    new_reference=True,
                )
                connection.execute(
                    sql.LINK_TRANSFER, {"checkin_id": checkin_id, "moved_id": moved.id}
                )
                balance = moved.balance
            else:
                balance = ledger.balance_now(session, account.id)
    except IntegrityError:
        session.rollback()
        earlier = _existing(session, event_id, resident_id)
        if earlier is None:
            raise
        return _result(session, earlier, title, resident_id, name, already=True)
    return CheckinResult(
        id=checkin_id,
        event_id=event_id,
        event_title=title,
        resident_id=resident_id,
        resident_name=name,
        points=points,
        balance=balance,
        checked_in_at=stamp,
        method=method,
        already=False,
        rule_code=granted.terms.code if granted else None,
        rule_version=granted.terms.version if granted else None,
        capped_by=granted.capped_by.as_dict() if granted and granted.capped_by else None,
    )


def _capped_words(granted: rules.Granted | None) -> str | None:
    """The cap as stored on the check-in (the source language; shown again on repeats)."""
    if granted is None or granted.capped_by is None:
        return None
    hit = granted.capped_by
    return (hit.template % hit.params)[:160]


def _event(session: Session, event_id: int) -> EventFacts:
    event = event_facts(session, event_id)
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    return event


def _award_accounts(
    session: Session, resident_id: int, village_id: int
) -> dict[str, ledger.LockedAccount]:
    """The resident's account and the village's issuance account (if opened yet), by kind,
    as read before the lock (kinds and owners never change)."""
    account, issuance = ledger.resident_and_village(session, resident_id, village_id, "issuance")
    if account is None:
        raise UnknownAccount(account_id=f"user:{resident_id}")
    return {"resident": account, "issuance": issuance} if issuance else {"resident": account}


def _take_place(session: Session, event_id: int, when: datetime, key_version: int | None) -> None:
    """Count the check-in only if the event is still open, not full and (for a code) unrevoked.

    One guarded UPDATE decides and locks the event row; when it matches nothing, the locked
    row says exactly why.
    """
    connection = session.connection()
    if key_version is None:
        moved = connection.execute(sql.TAKE_PLACE, {"event_id": event_id, "when": when})
    else:
        moved = connection.execute(
            sql.TAKE_PLACE_WITH_KEY,
            {"event_id": event_id, "when": when, "key_version": key_version},
        )
    if moved.rowcount == 1:
        return
    # Why not, as committed: the UPDATE waited for any transaction holding the row. No lock
    # here: FOR UPDATE would wait on the key-share locks other scans' check-in rows hold.
    event = session.get(Event, event_id, populate_existing=True)
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    ensure_open(event, when)
    if key_version is not None and event.qr_key_version != key_version:
        raise CodeRevoked()
    raise CapacityReached(capacity=event.capacity)


def _existing(session: Session, event_id: int, resident_id: int) -> Row | None:
    """The resident's earlier check-in at the event (id, event_id, points, method, created_at)."""
    return (
        session.connection()
        .execute(sql.EARLIER, {"event_id": event_id, "resident_id": resident_id})
        .first()
    )


def _result(
    session: Session, checkin: Row, title: str, resident_id: int, name: str, *, already: bool
) -> CheckinResult:
    return CheckinResult(
        id=checkin.id,
        event_id=checkin.event_id,
        event_title=title,
        resident_id=resident_id,
        resident_name=name,
        points=checkin.points,
        balance=_balance(session, resident_id),
        checked_in_at=checkin.created_at,
        method=checkin.method,
        already=already,
        capped_by={"message": checkin.capped_by} if checkin.capped_by else None,
    )


def _balance(session: Session, resident_id: int) -> int:
    balance = session.scalar(select(Account.balance).where(Account.user_id == resident_id))
    return int(balance or 0)


def recent_checkins(session: Session, event_id: int, limit: int = 8) -> list[tuple[str, datetime]]:
    """The latest check-ins of an event: (name, time), newest first."""
    rows = session.execute(
        select(User.name, Checkin.created_at)
        .join(User, User.id == Checkin.resident_id)
        .where(Checkin.event_id == event_id)
        .order_by(Checkin.id.desc())
        .limit(limit)
    ).all()
    return [(name, at) for name, at in rows]


def checkins_of(
    session: Session, viewer: User, event_id: int, *, limit: int = 20, offset: int = 0
) -> list[dict]:
    """Who checked in to an event, newest first (for whoever runs the event)."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    ensure_can_run(viewer, event)
    rows = session.execute(
        select(Checkin, User.name)
        .join(User, User.id == Checkin.resident_id)
        .where(Checkin.event_id == event_id)
        .order_by(Checkin.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        {
            "id": row.id,
            "resident_id": row.resident_id,
            "resident_name": name,
            "method": row.method,
            "actor_id": row.actor_id,
            "points": row.points,
            "created_at": row.created_at,
        }
        for row, name in rows
    ]


def people_for_manual_checkin(
    session: Session, actor: User, event_id: int, text: str, *, limit: int = 30
) -> list[User]:
    """Active people an event's staff may check in by hand, found by name or phone."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    ensure_can_run(actor, event)
    text = (text or "").strip()[:64]
    if not text:
        return []
    like = f"%{text}%"
    query = select(User).where(
        User.village_id.is_not(None),
        User.active.is_(True),
        or_(User.name.like(like), User.phone.like(like)),
        policy.people_to_check_in(actor, village=User.village_id, town=User.town_id),
    )
    if event.village_id is not None:
        query = query.where(User.village_id == event.village_id)
    else:
        query = query.where(User.town_id == event.town_id)
    return list(session.scalars(query.order_by(User.name).limit(limit)))


def checked_in_already(session: Session, event_id: int, people_ids: list[int]) -> set[int]:
    """Which of these people have checked in to the event."""
    if not people_ids:
        return set()
    return set(
        session.scalars(
            select(Checkin.resident_id).where(
                Checkin.event_id == event_id, Checkin.resident_id.in_(people_ids)
            )
        )
    )
