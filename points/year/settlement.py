"""Settling the year: unspent points expire, residents are warned 30 days before.

`run` walks every village whose `expiry` setting is on and writes, for each resident with
points past their last day, one `expire` transfer (resident → the village's issuance
account, reference `expire:<last day>:<account>`) of exactly what is left of those lots.
Each resident is settled in their own short write transaction that first locks their
account and only then reads the history, so two runs at once (two hosts, a retry) expire
each lot once: the second finds nothing left. Pending holds are never expired. Expiry is
not earning: lifetime points, levels and leaderboards don't move (points.ledger.earned).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import ledger
from points.clock import local_now, utcnow
from points.db import write_transaction
from points.ledger import sql as ledger_sql
from points.models import Account, ExpiryWarning, User, Village
from points.people import notices
from points.places import settings
from points.year.lots import Lot, Lots, of_account
from points.year.rule import SETTING, BadExpiry, ExpiryRule

WARN_DAYS = 30


@dataclass(frozen=True, slots=True)
class Expiring:
    """Points of a resident that expire after `on` (their last day, Shanghai)."""

    points: int
    on: date


@dataclass(frozen=True, slots=True)
class Expired:
    village_id: int
    user_id: int
    account_id: int
    points: int
    last_day: date
    reference: str
    transfer_id: int | None  # None in a dry run


def rule_for(session: Session, village_id: int | None) -> ExpiryRule:
    """The village's expiry rule (its own, else its town's, else the city's; default none)."""
    if village_id is None:
        return ExpiryRule()
    try:
        return ExpiryRule.from_setting(settings.get(session, SETTING, village_id))
    except BadExpiry:
        return ExpiryRule()


def due(lots: Lots, rule: ExpiryRule, now: datetime) -> list[Lot]:
    """The lots with points left whose expiry moment has come."""
    return [lot for lot in lots.lots if lot.left and rule.expires_at(lot.earned_at) <= now]


def upcoming(lots: Lots, rule: ExpiryRule, now: datetime, days: int = WARN_DAYS) -> list[Expiring]:
    """Points left that expire within `days` Shanghai days of now, by last day, soonest first."""
    if not rule.active:
        return []
    today = local_now(now).date()
    horizon = today + timedelta(days=days)
    by_day: dict[date, int] = {}
    for lot in lots.lots:
        if not lot.left or rule.expires_at(lot.earned_at) <= now:
            continue
        last = rule.last_day(lot.earned_at)
        if last <= horizon:
            by_day[last] = by_day.get(last, 0) + lot.left
    return [Expiring(points, on) for on, points in sorted(by_day.items())]


def expiring_for(session: Session, user: User, now: datetime | None = None) -> list[Expiring]:
    """What /me warns about: a resident's points expiring within 30 days."""
    rule = rule_for(session, user.village_id)
    if not rule.active:
        return []
    account = session.scalar(select(Account.id).where(Account.user_id == user.id))
    if account is None:
        return []
    return upcoming(of_account(session, account), rule, now or utcnow())


def run(
    session: Session,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    village_ids: list[int] | None = None,
) -> list[Expired]:
    """Expire what is due in every village with expiry on; warn of what is coming.

    Idempotent: running again (or at once from another process) changes nothing.
    """
    now = now or utcnow()
    done: list[Expired] = []
    query = select(Village.id).order_by(Village.id)
    if village_ids is not None:
        query = query.where(Village.id.in_(village_ids))
    for village_id in session.scalars(query).all():
        rule = rule_for(session, village_id)
        if not rule.active:
            continue
        for account_id, user_id in _holders(session, village_id):
            expired = settle_account(
                session,
                account_id=account_id,
                user_id=user_id,
                village_id=village_id,
                rule=rule,
                now=now,
                dry_run=dry_run,
            )
            if expired is not None:
                done.append(expired)
    session.commit()  # end the last read
    return done


def settle_account(
    session: Session,
    *,
    account_id: int,
    user_id: int,
    village_id: int,
    rule: ExpiryRule,
    now: datetime,
    dry_run: bool = False,
) -> Expired | None:
    """Expire one resident's due lots (and warn of coming ones) in one write transaction."""
    if dry_run:
        lots = of_account(session, account_id)
        found = due(lots, rule, now)
        if not found:
            return None
        last = max(rule.last_day(lot.earned_at) for lot in found)
        points = sum(lot.left for lot in found)
        return Expired(village_id, user_id, account_id, points, last, "", None)
    with write_transaction(session):
        # Lock first, then read what we decide on: a second run waits here, then finds
        # nothing left (SQLite: BEGIN IMMEDIATE already holds the database's write lock).
        session.execute(select(Account.id).where(Account.id == account_id).with_for_update())
        lots = of_account(session, account_id)
        _warn(session, lots, rule, now, user_id, account_id)
        found = due(lots, rule, now)
        if not found:
            return None
        last = max(rule.last_day(lot.earned_at) for lot in found)
        points = sum(lot.left for lot in found)
        reference = _free_reference(session, f"expire:{last.isoformat()}:{account_id}")
        moved = ledger.transfer(
            session,
            debit_id=account_id,
            credit_id=ledger.village_account(session, village_id, "issuance").id,
            amount=points,
            kind="expire",
            memo=f"积分到期：{last.month}月{last.day}日前未使用的积分",
            reference=reference,
            now=now,
        )
        notices.notify(
            session,
            user_id,
            "points.expired",
            f"您有 {points} 分已于 {last.month}月{last.day}日 到期。",
        )
        return Expired(village_id, user_id, account_id, points, last, reference, moved.id)


def _warn(
    session: Session, lots: Lots, rule: ExpiryRule, now: datetime, user_id: int, account_id: int
) -> None:
    """One notice per resident and last day, 30 days before (the table's key keeps it once)."""
    for coming in upcoming(lots, rule, now):
        sent = session.scalar(
            select(ExpiryWarning.id).where(
                ExpiryWarning.account_id == account_id, ExpiryWarning.last_day == coming.on
            )
        )
        if sent is not None:
            continue
        # Under the account's lock: no other run can insert the same row meanwhile.
        session.add(ExpiryWarning(account_id=account_id, last_day=coming.on, points=coming.points))
        notices.notify(
            session,
            user_id,
            "points.expiring",
            f"{coming.points} 分将于 {coming.on.month}月{coming.on.day}日 到期，请及时使用。",
        )


def _free_reference(session: Session, reference: str) -> str:
    """The run's reference; points given back to an expired lot later (a voided hold) expire
    under `…:2`, `…:3`."""
    connection = session.connection()
    candidate, n = reference, 1
    while connection.scalar(ledger_sql.REFERENCE_USED, {"ref": candidate}) is not None:
        n += 1
        candidate = f"{reference}:{n}"
    return candidate


def _holders(session: Session, village_id: int) -> list[tuple[int, int]]:
    """(account, user) of the village's residents holding any available points."""
    rows = session.execute(
        select(Account.id, Account.user_id)
        .join(User, User.id == Account.user_id)
        .where(
            Account.kind == "resident",
            User.village_id == village_id,
            Account.available > 0,
        )
        .order_by(Account.id)
    ).all()
    session.commit()
    return [(row[0], row[1]) for row in rows]
