"""Admins set or reset a person's password: shown once, printed on the card sheet, never kept
in readable form (the audit says that it changed, not to what)."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.db import write_transaction
from points.errors import InvalidInput
from points.models import User
from points.people.passwords import hash_password
from points.people.registry import get_person

# Digits only: easy to read out and to type on an old phone; 8 of them, 10^8 choices, with
# failed logins rate-limited.
GENERATED_DIGITS = 8


def new_password() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(GENERATED_DIGITS))


def set_password(session: Session, actor: User, user_id: int, password: str | None = None) -> str:
    """Give the person `password` (or a generated one) and end their sessions; return it."""
    chosen = (password or "").strip() or new_password()
    if not 6 <= len(chosen) <= 64:
        raise InvalidInput("密码至少 6 位，最多 64 位。")
    with write_transaction(session):
        person = get_person(session, user_id)
        policy.ensure_may_set_password(actor, person)
        had = person.password_hash is not None
        person.password_hash = hash_password(chosen)
        person.token_version = person.token_version + 1  # old sessions and tokens end
        audit.record(
            session,
            actor_id=actor.id,
            action="person.password",
            village_id=person.village_id,
            target_type="user",
            target_id=person.id,
            before={"password": "set" if had else "none"},
            after={"password": "generated" if not (password or "").strip() else "typed"},
        )
    return chosen
