"""Households and people: register, find, authenticate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from points import ledger, policy
from points.admin import audit
from points.db import write_transaction
from points.errors import InvalidInput, NotFound, PhoneTaken
from points.models import Household, Role, User, grid_staff
from points.models.people import ROLES
from points.people.passwords import hash_password, password_matches
from points.places import get_grid, get_town, get_village, village_place
from points.policy import Place

PHONE_RE = re.compile(r"^1\d{10}$")


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


def household(
    session: Session, village_id: int, code: str | None, grid_id: int | None = None
) -> Household | None:
    """Find or create the household (户号) in a village; None for no household.

    A household lives in the grid of the first member registered with one.
    """
    code = (code or "").strip()
    if not code:
        return None
    found = session.scalar(
        select(Household).where(Household.village_id == village_id, Household.code == code)
    )
    if found:
        if found.grid_id is None and grid_id is not None:
            found.grid_id = grid_id
        return found
    try:
        # A savepoint: another transaction may be creating the same household right now.
        with session.begin_nested():
            found = Household(village_id=village_id, code=code, grid_id=grid_id)
            session.add(found)
    except IntegrityError:
        found = session.scalar(
            select(Household).where(Household.village_id == village_id, Household.code == code)
        )
    return found


@dataclass(frozen=True)
class NewPerson:
    """Who to register. A town admin names a town; everyone below a village (and may name
    their grid: a resident lives in one, a grid worker serves several)."""

    name: str
    phone: str
    village_id: int | None
    role: str = Role.RESIDENT.value
    household_code: str | None = None
    password: str | None = None
    town_id: int | None = None
    grid_id: int | None = None
    grid_ids: tuple[int, ...] = ()


def place_for(session: Session, person: NewPerson) -> Place:
    """Where a new person belongs in the tree, checked against their role.

    Read leniently (a village that does not exist has no town) so that the policy refuses
    what is out of reach before anyone learns whether it exists.
    """
    if person.role not in ROLES:
        raise InvalidInput("角色不正确：%(role)s", role=person.role)
    if person.role == Role.CITY_ADMIN:
        return Place()
    if person.role == Role.TOWN_ADMIN:
        if person.town_id is None:
            raise InvalidInput("请选择所属镇。")
        return Place(person.town_id)
    if person.village_id is None:
        raise InvalidInput("请选择所属村。")
    place = village_place(session, person.village_id)
    return Place(place.town_id, place.village_id, person.grid_id)


def _check_place(session: Session, person: NewPerson, place: Place) -> None:
    """That the places named exist and belong together."""
    if place.village_id is None:
        if place.town_id is not None:
            get_town(session, place.town_id)
        return
    village = get_village(session, place.village_id)
    if person.town_id is not None and person.town_id != village.town_id:
        raise InvalidInput("所选的村不属于所选的镇。")
    for chosen in (person.grid_id, *person.grid_ids):
        if chosen is not None and get_grid(session, chosen).village_id != village.id:
            raise InvalidInput("所选的网格不属于所选的村。")


def add_person(session: Session, person: NewPerson, *, actor: User | None = None) -> User:
    """Add a person inside the caller's transaction; everyone with a village gets an account.

    With an actor, the policy decides whether they may register this role in this place
    (none: the command line and the demo, run by whoever runs the machine).
    """
    place = place_for(session, person)
    if actor is not None:
        policy.ensure_may_register(actor, place, person.role)
    _check_place(session, person, place)
    name = clean_name(person.name)
    phone = normalise_phone(person.phone)
    if person.password is not None and len(person.password) < 6:
        raise InvalidInput("密码至少 6 位。")
    if session.scalar(select(User.id).where(User.phone == phone)):
        raise PhoneTaken(phone=phone)
    home = (
        household(session, person.village_id, person.household_code, place.grid_id)
        if place.village_id
        else None
    )
    user = User(
        name=name,
        phone=phone,
        role=person.role,
        town_id=place.town_id,
        village_id=place.village_id,
        grid_id=place.grid_id if person.role == Role.RESIDENT else None,
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
    served = {*person.grid_ids, *([place.grid_id] if person.role == Role.STAFF else [])}
    staff_grids = sorted(g for g in served if g is not None)
    if staff_grids:
        if person.role != Role.STAFF:
            raise InvalidInput("只有网格员可以负责网格。")
        session.execute(
            insert(grid_staff), [{"grid_id": g, "user_id": user.id} for g in staff_grids]
        )
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="person.create",
        town_id=user.town_id,
        village_id=user.village_id,
        target_type="user",
        target_id=user.id,
        after={
            "name": name,
            "phone": phone,
            "role": person.role,
            "household": person.household_code,
            "grid_id": user.grid_id,
            "grid_ids": staff_grids or None,
        },
    )
    return user


def create_person(session: Session, person: NewPerson, *, actor: User | None = None) -> User:
    """Add a person in a transaction of its own."""
    with write_transaction(session):
        user = add_person(session, person, actor=actor)
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


def find_person(session: Session, viewer: User, text: str) -> User:
    """The one person a reader means by a name, a phone or a phone's last digits — never an
    id — among the people they may see."""
    from points.people.search import find_one

    return find_one(session, viewer, text)


def person_for(session: Session, viewer: User, user_id: int) -> User:
    """A person as a viewer may see them: themself, or someone in their scope."""
    person = get_person(session, user_id)
    policy.ensure_may_see_person(viewer, person)
    return person
