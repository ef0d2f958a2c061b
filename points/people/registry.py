"""Households and people: register, find, authenticate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from points import ledger
from points.admin import audit
from points.db import write_transaction
from points.errors import InvalidInput, NotFound, PhoneTaken
from points.models import Household, Role, User
from points.people.passwords import hash_password, password_matches
from points.places import get_village

PHONE_RE = re.compile(r"^1\d{10}$")
ROLES = tuple(role.value for role in Role)


def normalise_phone(phone: object) -> str:
    """Return a mainland mobile number (11 digits starting with 1) or raise InvalidInput."""
    text = re.sub(r"[\s-]", "", str(phone or ""))
    if text.startswith("+86"):
        text = text[3:]
    if not PHONE_RE.match(text):
        raise InvalidInput("手机号格式不对：%(phone)s（应为 11 位数字）", phone=str(phone or ""))
    return text


def clean_name(name: object) -> str:
    text = str(name or "").strip()
    if not text or len(text) > 64:
        raise InvalidInput("姓名不能为空，且不超过 64 个字。")
    return text


def household(session: Session, village_id: int, code: str | None) -> Household | None:
    """Find or create the household (户号) in a village; None for no household."""
    code = (code or "").strip()
    if not code:
        return None
    found = session.scalar(
        select(Household).where(Household.village_id == village_id, Household.code == code)
    )
    if found:
        return found
    try:
        # A savepoint: another transaction may be creating the same household right now.
        with session.begin_nested():
            found = Household(village_id=village_id, code=code)
            session.add(found)
    except IntegrityError:
        found = session.scalar(
            select(Household).where(Household.village_id == village_id, Household.code == code)
        )
    return found


@dataclass(frozen=True)
class NewPerson:
    name: str
    phone: str
    village_id: int | None
    role: str = Role.RESIDENT.value
    household_code: str | None = None
    password: str | None = None


def add_person(session: Session, person: NewPerson, *, actor_id: int | None = None) -> User:
    """Add a person inside the caller's transaction; everyone with a village gets an account."""
    if person.role not in ROLES:
        raise InvalidInput("角色不正确：%(role)s", role=person.role)
    name = clean_name(person.name)
    phone = normalise_phone(person.phone)
    if person.role != Role.TOWN_ADMIN and person.village_id is None:
        raise InvalidInput("请选择所属村。")
    if person.village_id is not None:
        get_village(session, person.village_id)
    if person.password is not None and len(person.password) < 6:
        raise InvalidInput("密码至少 6 位。")
    if session.scalar(select(User.id).where(User.phone == phone)):
        raise PhoneTaken(phone=phone)
    home = (
        household(session, person.village_id, person.household_code) if person.village_id else None
    )
    user = User(
        name=name,
        phone=phone,
        role=person.role,
        village_id=person.village_id,
        household_id=home.id if home else None,
        password_hash=hash_password(person.password) if person.password else None,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent registration of the same phone
        raise PhoneTaken(phone=phone) from exc
    if user.village_id is not None:
        ledger.open_account(session, "resident", user.village_id, user.id)
    audit.record(
        session,
        actor_id=actor_id,
        action="person.create",
        village_id=user.village_id,
        target_type="user",
        target_id=user.id,
        after={
            "name": name,
            "phone": phone,
            "role": person.role,
            "household": person.household_code,
        },
    )
    return user


def create_person(session: Session, person: NewPerson, *, actor_id: int | None = None) -> User:
    """Add a person in a transaction of its own."""
    with write_transaction(session):
        user = add_person(session, person, actor_id=actor_id)
    return user


def authenticate(session: Session, phone: str, password: str) -> User | None:
    """Return the active user with this phone and password, else None."""
    try:
        phone = normalise_phone(phone)
    except InvalidInput:
        return None
    user = session.scalar(select(User).where(User.phone == phone))
    if user is None or not user.active or not password_matches(user, password or ""):
        return None
    return user


def get_person(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(what=f"村民 {user_id}")
    return user
