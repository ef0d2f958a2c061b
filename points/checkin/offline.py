"""Scans made without a network, uploaded later: judged at the moment they were scanned.

A grid worker's phone keeps each scan with a key it made itself, the time and the device.
On upload the scan is judged as if it had arrived then — inside the event's window, and no
older than the place's `offline_max_lag_hours` — and awarded through the ordinary award,
so the one-per-resident-per-event rule holds whatever the retries. The key is unique in
`offline_scans`: an upload sent again (a lost answer, a second tap) gets the first answer.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from points.checkin.award import CheckinResult, _ensure_may_check_in, _event_run_by, award
from points.checkin.refusals import CheckinRefused
from points.clock import from_timestamp, timestamp
from points.db import write_transaction
from points.errors import N_, IdempotencyConflict, InvalidInput, NotFound
from points.models import Account, Checkin, Event, OfflineScan, User
from points.people.cards import resident_for_card
from points.places import settings

# A phone's clock may run a little fast; more than this is a wrong clock, not a scan.
CLOCK_SLACK = timedelta(minutes=5)


class OfflineScanTooOld(CheckinRefused):
    code = "offline_too_old"
    category = "conflict"
    template = N_("这次扫码已过去 %(hours)s 小时以上才上传，不能再记分。")


class OfflineScanInFuture(CheckinRefused):
    code = "offline_future"
    template = N_("扫码时间晚于现在，请检查手机的时间设置。")


def check_in_offline(
    session: Session,
    secret: str,
    *,
    event_id: int,
    actor: User,
    key: str,
    scanned_at: datetime,
    device_id: str = "",
    card_token: str | None = None,
    resident_id: int | None = None,
    now: float | None = None,
) -> CheckinResult:
    """Judge one uploaded offline scan (a card or a manual pick) at `scanned_at` (naive UTC)."""
    key = (key or "").strip()
    if not 1 <= len(key) <= 120:
        raise InvalidInput("Idempotency-Key 长度应为 1 到 120 个字符。")
    earlier = _earlier(session, key)
    if earlier is not None:
        return _replay(session, earlier, actor.id, event_id)
    moment = from_timestamp(time.time() if now is None else now)
    event = _event_run_by(session, event_id, actor)
    lag = int(
        settings.get(session, "offline_max_lag_hours", event.village_id, town_id=event.town_id)
    )
    if scanned_at > moment + CLOCK_SLACK:
        raise OfflineScanInFuture()
    if moment - scanned_at > timedelta(hours=lag):
        raise OfflineScanTooOld(hours=lag)
    if card_token is not None:
        resident = resident_for_card(session, secret, card_token)
    else:
        resident = session.get(User, resident_id or 0)
        if resident is None:
            raise NotFound(what=f"村民 {resident_id}")
    _ensure_may_check_in(actor, event, resident)
    actor_id = actor.id
    result = award(
        session,
        event_id=event.id,
        resident=resident,
        method="card" if card_token is not None else "manual",
        actor_id=actor_id,
        at=timestamp(scanned_at),
    )
    try:
        with write_transaction(session):
            session.add(
                OfflineScan(
                    key=key,
                    actor_id=actor_id,
                    event_id=result.event_id,
                    resident_id=result.resident_id,
                    checkin_id=result.id,
                    device_id=(device_id or "")[:64],
                    scanned_at=scanned_at,
                    outcome="already" if result.already else "awarded",
                )
            )
    except IntegrityError:
        # The same key uploaded twice at once: the award was made once; answer as the first.
        session.rollback()
        earlier = _earlier(session, key)
        if earlier is None:
            raise
        return _replay(session, earlier, actor_id, event_id)
    return result


def _earlier(session: Session, key: str) -> OfflineScan | None:
    return session.scalar(select(OfflineScan).where(OfflineScan.key == key))


def _replay(session: Session, scan: OfflineScan, actor_id: int, event_id: int) -> CheckinResult:
    """The first answer to a scan uploaded again."""
    if scan.actor_id != actor_id or scan.event_id != event_id:
        raise IdempotencyConflict()
    checkin = session.get(Checkin, scan.checkin_id)
    event = session.get(Event, scan.event_id)
    resident = session.get(User, scan.resident_id)
    balance = session.scalar(select(Account.balance).where(Account.user_id == resident.id))
    return CheckinResult(
        id=checkin.id,
        event_id=event.id,
        event_title=event.title,
        resident_id=resident.id,
        resident_name=resident.name,
        points=checkin.points,
        balance=int(balance or 0),
        checked_in_at=checkin.created_at,
        method=checkin.method,
        already=scan.outcome == "already",
    )
