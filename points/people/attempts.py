"""Failed attempts per account, kept in the database so every worker and host counts them
together: wrong passwords (the per-account login lockout), guessed vouchers and cards.

A key names one account in one kind of attempt (`login:<user id>`, `scan:user:<id>`,
`voucher:user:<id>`). Failures count in a window from the first; reaching the limit locks
the key until `locked_until`. A success never resets a guessing counter; a correct login
does reset its own (a resident who remembers their password starts again).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from points import policy
from points.clock import utcnow
from points.db import write_transaction
from points.errors import N_, DomainError
from points.models import AttemptCounter, User
from points.people.registry import authenticate, get_person, normalise_phone


@dataclass(frozen=True)
class Rule:
    """`limit` failures within `window` seconds lock the key for `lock` seconds."""

    limit: int
    window: int
    lock: int


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    category = "rate"
    template = N_("失败次数太多，请 %(minutes)s 分钟后再试。")

    def __init__(self, until: datetime, now: datetime, template: str | None = None) -> None:
        self.retry_after = max(1, math.ceil((until - now).total_seconds()))
        super().__init__(template, minutes=max(1, math.ceil(self.retry_after / 60)))


class AccountLocked(TooManyAttempts):
    code = "account_locked"
    template = N_("密码错误次数太多，账号已暂时锁定，请 %(minutes)s 分钟后再试，或请村管理员解锁。")


def locked_until(session: Session, key: str, now: datetime | None = None) -> datetime | None:
    """When the key's lock ends, if it is locked now."""
    now = now or utcnow()
    until = session.scalar(select(AttemptCounter.locked_until).where(AttemptCounter.key == key))
    return until if until is not None and until > now else None


def ensure_not_locked(session: Session, key: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    until = locked_until(session, key, now)
    if until is not None:
        raise TooManyAttempts(until, now)


def record_failure(session: Session, key: str, rule: Rule, now: datetime | None = None):
    """Count one failure; return when the key is locked until, if this failure locked it."""
    now = now or utcnow()
    for _attempt in range(3):
        try:
            with write_transaction(session):
                row = session.scalar(
                    select(AttemptCounter).where(AttemptCounter.key == key).with_for_update()
                )
                if row is None:
                    row = AttemptCounter(key=key, failures=0, window_started_at=now)
                    session.add(row)
                if row.window_started_at + timedelta(seconds=rule.window) <= now:
                    row.failures, row.window_started_at, row.locked_until = 0, now, None
                row.failures += 1
                if row.failures >= rule.limit:
                    row.locked_until = now + timedelta(seconds=rule.lock)
                session.flush()
                return row.locked_until
        except IntegrityError:
            continue  # another worker inserted the key first: count on its row
    return None


def clear(session: Session, key: str) -> None:
    with write_transaction(session):
        session.execute(delete(AttemptCounter).where(AttemptCounter.key == key))


def login_key(user_id: int) -> str:
    return f"login:{user_id}"


def log_in(session: Session, phone: str, password: str, rule: Rule) -> User | None:
    """The user with this phone and password, or None; a locked account is refused even with
    the right password, and `rule.limit` wrong passwords in a row lock it."""
    now = utcnow()
    try:
        user_id = session.scalar(select(User.id).where(User.phone == normalise_phone(phone)))
    except DomainError:
        user_id = None
    if user_id is not None:
        until = locked_until(session, login_key(user_id), now)
        if until is not None:
            raise AccountLocked(until, now)
    user = authenticate(session, phone, password)
    if user_id is None:
        return user
    if user is None:
        until = record_failure(session, login_key(user_id), rule, now)
        if until is not None:
            raise AccountLocked(until, now)
        return None
    if session.get(AttemptCounter, login_key(user_id)) is not None:
        clear(session, login_key(user_id))
    return session.get(User, user_id)


def lift_lockout(session: Session, actor: User, user_id: int) -> User:
    """End the login lockout of a person: their village's admin (or anyone above) may."""
    person = get_person(session, user_id)
    policy.ensure_may_manage_person(actor, person)
    clear(session, login_key(user_id))
    return person
