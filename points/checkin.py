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
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from points import checkin_sql as sql
from points import earned, ledger, tokens
from points.auth import sees_all_villages
from points.db import write_transaction
from points.errors import (
    N_,
    DomainError,
    Forbidden,
    NotFound,
    OutsideVillage,
    ResidentSuspended,
    UnknownAccount,
)
from points.events import ensure_can_run, rotate_seconds
from points.models import Account, Checkin, Event, User, utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")
METHODS = ("self", "card", "manual")


# --- refusals (reason codes after pretix) ----------------------------------------------
class CheckinRefused(DomainError):
    """A check-in was refused; nothing was written."""


class CodeInvalid(CheckinRefused):
    code = "invalid"
    template = N_("二维码无效，不是本系统发出的。")


class CodeExpired(CheckinRefused):
    code = "expired"
    template = N_("二维码已过期，请扫描屏幕上最新的二维码。")


class CodeRevoked(CheckinRefused):
    code = "revoked"
    template = N_("这个二维码已作废，请扫描现场最新的二维码。")


class CardRevoked(CheckinRefused):
    code = "revoked"
    template = N_("这张积分卡已作废（已补办新卡），请使用新卡。")


class OtherEvent(CheckinRefused):
    code = "other_event"
    template = N_("这个二维码属于另一场活动（%(title)s）。")


class TooEarly(CheckinRefused):
    code = "too_early"
    category = "conflict"
    template = N_("签到还没开始，%(opens)s 开始签到。")


class TooLate(CheckinRefused):
    code = "too_late"
    category = "conflict"
    template = N_("签到已经结束（%(closes)s 截止）。")


class NotPublished(CheckinRefused):
    code = "not_published"
    category = "conflict"
    template = N_("这场活动还没有发布，不能签到。")


class EventCancelled(CheckinRefused):
    code = "cancelled"
    category = "conflict"
    template = N_("这场活动已取消。")


class EventClosed(CheckinRefused):
    code = "closed"
    category = "conflict"
    template = N_("这场活动已经结束，签到已关闭。")


class CapacityReached(CheckinRefused):
    code = "capacity_reached"
    category = "conflict"
    template = N_("名额已满（限 %(capacity)s 人）。")


class ResidentOtherVillage(CheckinRefused):
    code = "other_village"
    category = "forbidden"
    template = N_("%(name)s 不是%(village)s的村民，不能在这场活动签到。")


class NotAResident(CheckinRefused):
    code = "not_resident"
    category = "forbidden"
    template = N_("%(name)s 没有积分账户，不能签到。")


class ScanTooOld(CheckinRefused):
    code = "expired"
    template = N_("扫码已超过 %(minutes)s 分钟，请重新扫描现场的二维码。")


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


def local_clock(moment: datetime) -> str:
    """A stored UTC time as the villagers read it (Asia/Shanghai)."""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _naive_utc(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)


# --- validity ---------------------------------------------------------------------------
def ensure_open(event: Event | EventFacts, at: datetime) -> None:
    """Refuse unless the event is published and `at` is inside its check-in window."""
    if event.status == "draft":
        raise NotPublished()
    if event.status == "cancelled":
        raise EventCancelled()
    if event.status == "closed":
        raise EventClosed()
    if at < event.checkin_opens_at:
        raise TooEarly(opens=local_clock(event.checkin_opens_at))
    if at > event.checkin_closes_at:
        raise TooLate(closes=local_clock(event.checkin_closes_at))


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What a check-in decides on, read in one query (an Event object answers the same names)."""

    id: int
    title: str
    points: int
    village_id: int | None
    village_name: str | None
    status: str
    checkin_opens_at: datetime
    checkin_closes_at: datetime
    capacity: int | None
    qr_mode: str
    qr_key_version: int


def event_facts(session: Session, event_id: int) -> EventFacts | None:
    row = session.connection().execute(sql.EVENT_FACTS, {"event_id": event_id}).first()
    return EventFacts(*row) if row is not None else None


def ensure_eligible(event: EventFacts, resident: User) -> None:
    """Refuse a suspended resident, or one from another village at a village event."""
    if not resident.active:
        raise ResidentSuspended()
    if resident.village_id is None:
        raise NotAResident(name=resident.name)
    if event.village_id is not None and resident.village_id != event.village_id:
        raise ResidentOtherVillage(name=resident.name, village=event.village_name or "")


def verify_event_code(
    session: Session,
    secret: str,
    token: str,
    *,
    rotate_default: int,
    at: float | None = None,
    expected_event_id: int | None = None,
) -> Event:
    """Check an event QR code as read at `at` (server clock); return its event or refuse."""
    moment = time.time() if at is None else at
    code = read_event_code(secret, token)
    event = session.get(Event, code.event_id)
    judge_code(session, code, event, moment, rotate_default, expected_event_id)
    return event


def judge_code(
    session: Session,
    code: tokens.EventCode,
    event: Event | EventFacts | None,
    moment: float,
    rotate_default: int,
    expected_event_id: int | None = None,
) -> None:
    """Refuse unless the code is this event's current one and the event is open at `moment`."""
    if event is None:
        raise CodeInvalid()
    if expected_event_id is not None and event.id != expected_event_id:
        raise OtherEvent(title=event.title)
    if code.key_version != event.qr_key_version or code.mode != event.qr_mode:
        raise CodeRevoked()
    if code.mode == "rotating":
        step = tokens.current_step(
            rotate_seconds(session, event.village_id, rotate_default), moment
        )
        if code.step > step:
            raise CodeInvalid()
        if code.step < step - 1:
            raise CodeExpired()
    elif code.step != 0:
        raise CodeInvalid()
    ensure_open(event, _naive_utc(moment))


def read_event_code(secret: str, token: str) -> tokens.EventCode:
    """Unpack a code whose signature is ours (no database needed)."""
    try:
        return tokens.read_event_code(secret, token)
    except tokens.BadToken as exc:
        raise CodeInvalid() from exc


def resident_for_card(session: Session, secret: str, card_token: str) -> User:
    """The resident a printed card names; a reissued card's old code is refused."""
    try:
        code = tokens.read_card_code(secret, card_token)
    except tokens.BadToken as exc:
        raise CodeInvalid(N_("这不是有效的积分卡二维码。")) from exc
    resident = session.get(User, code.resident_id)
    if resident is None:
        raise CodeInvalid(N_("这不是有效的积分卡二维码。"))
    if code.card_version != resident.card_version:
        raise CardRevoked()
    return resident


def card_token(secret: str, resident: User) -> str:
    """The token printed on a resident's card (raw, not a URL)."""
    return tokens.make_card_code(secret, tokens.CardCode(resident.id, resident.card_version))


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
        judge_code(session, code, event, scanned, rotate_default, expected_event_id)
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
    _ensure_staff_covers(actor, resident)
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
    _ensure_staff_covers(actor, resident)
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


def _ensure_staff_covers(actor: User, resident: User) -> None:
    """Staff act for residents of their own village only (town admins: anyone)."""
    if not actor.is_staff:
        raise Forbidden()
    if not sees_all_villages(actor) and resident.village_id != actor.village_id:
        raise OutsideVillage()


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
    when = _naive_utc(at)
    stamp = recorded_at or utcnow()
    event = judge() if judge else _event(session, event_id)
    ensure_open(event, when)
    ensure_eligible(event, resident)
    earlier = _existing(session, event.id, resident.id)
    if earlier is not None:
        return _result(session, earlier, event.title, resident.id, resident.name, already=True)
    # Plain values: the write transaction below starts by expiring every loaded object.
    event_id, points, title = event.id, event.points, event.title
    key_version = event.qr_key_version if judge else None
    resident_id, village_id, name = resident.id, resident.village_id, resident.name
    issuance_village = event.village_id or village_id
    account_id, issuance_id = _award_accounts(session, resident_id, issuance_village)
    try:
        with write_transaction(session):
            connection = session.connection()
            _take_place(session, event_id, when, key_version)
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
                },
            )
            earned.record_participation(connection, resident_id, village_id, stamp)
            if issuance_id is None:
                issuance_id = ledger.village_account(session, issuance_village, "issuance").id
            moved = ledger.transfer(
                session,
                debit_id=issuance_id,
                credit_id=account_id,
                amount=points,
                kind="award",
                memo=title,
                reference=f"checkin:{checkin_id}",
                actor_id=actor_id,
                now=stamp,
            )
            connection.execute(sql.LINK_TRANSFER, {"checkin_id": checkin_id, "moved_id": moved.id})
            balance = ledger.balance_now(session, account_id)
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
    )


def _event(session: Session, event_id: int) -> EventFacts:
    event = event_facts(session, event_id)
    if event is None:
        raise NotFound(what=f"活动 {event_id}")
    return event


def _award_accounts(session: Session, resident_id: int, village_id: int) -> tuple[int, int | None]:
    """(the resident's account, the village's issuance account or None if not opened yet)."""
    found = {
        kind: account_id
        for account_id, kind in session.connection().execute(
            sql.AWARD_ACCOUNTS, {"resident_id": resident_id, "village_id": village_id}
        )
    }
    if "resident" not in found:
        raise UnknownAccount(account_id=f"user:{resident_id}")
    return found["resident"], found.get("issuance")


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
    event = session.get(Event, event_id, with_for_update=True, populate_existing=True)
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
    )


def _balance(session: Session, resident_id: int) -> int:
    balance = session.scalar(
        select(Account.credits_posted - Account.debits_posted).where(Account.user_id == resident_id)
    )
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
