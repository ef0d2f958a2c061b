"""The village roster: list, edit, suspend and reinstate people; reissue their QR cards."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from points import people, policy
from points.admin import audit
from points.db import write_transaction
from points.errors import N_, DomainError, Forbidden, PhoneTaken
from points.models import Account, Role, User
from points.places import village_place


class SelfSuspension(Forbidden):
    code = "self_suspension"
    template = N_("不能停用自己的账号。")


class AlreadyInState(DomainError):
    code = "no_change"
    category = "conflict"
    template = N_("该账号已经是%(state)s状态。")


def _snapshot(user: User) -> dict:
    return {
        "name": user.name,
        "phone": user.phone,
        "household": user.household.code if user.household else None,
        "active": user.active,
        "leaderboard_opt_out": user.leaderboard_opt_out,
        "card_version": user.card_version,
    }


def _person_in_scope(session: Session, actor: User, user_id: int) -> User:
    person = people.get_person(session, user_id)
    policy.ensure_may_manage_person(actor, person)
    return person


@dataclass(frozen=True)
class RosterRow:
    user: User
    balance: int
    available: int


def list_people(
    session: Session,
    actor: User,
    *,
    village_id: int | None = None,
    town_id: int | None = None,
    query: str | None = None,
    include_inactive: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[RosterRow], int]:
    """People in the actor's scope (or one village or town of it), with balances."""
    if village_id is not None or town_id is not None:
        policy.ensure_may_see_reports(actor, village_place(session, village_id, town_id))
    else:
        policy.ensure_may_see_reports(actor, policy.scope_of(actor))
    stmt = select(User, Account).outerjoin(Account, Account.user_id == User.id)
    stmt = stmt.where(policy.within(actor, village=User.village_id, town=User.town_id))
    if village_id is not None:
        stmt = stmt.where(User.village_id == village_id)
    elif town_id is not None:
        stmt = stmt.where(User.town_id == town_id)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(User.name.like(like), User.phone.like(like)))
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.execute(stmt.order_by(User.village_id, User.id).limit(limit).offset(offset))
    return [
        RosterRow(user, account.balance if account else 0, account.available if account else 0)
        for user, account in rows
    ], int(total or 0)


def edit_person(
    session: Session,
    actor: User,
    user_id: int,
    *,
    name: str | None = None,
    phone: str | None = None,
    household_code: str | None = None,
    leaderboard_opt_out: bool | None = None,
) -> User:
    """Change a person's name, phone, household or leaderboard choice; audited before/after."""
    with write_transaction(session):
        person = _person_in_scope(session, actor, user_id)
        before = _snapshot(person)
        if name is not None:
            person.name = people.clean_name(name)
        if phone is not None:
            phone = people.normalise_phone(phone)
            if phone != person.phone:
                taken = session.scalar(select(User.id).where(User.phone == phone))
                if taken:
                    raise PhoneTaken(phone=phone)
                person.phone = phone
        if household_code is not None and person.village_id is not None:
            home = people.household(session, person.village_id, household_code)
            person.household_id = home.id if home else None
        if leaderboard_opt_out is not None:
            person.leaderboard_opt_out = bool(leaderboard_opt_out)
        session.flush()
        session.refresh(person)
        after = _snapshot(person)
        if after != before:
            audit.record(
                session,
                actor_id=actor.id,
                action="person.edit",
                village_id=person.village_id,
                target_type="user",
                target_id=person.id,
                before={k: v for k, v in before.items() if before[k] != after[k]},
                after={k: v for k, v in after.items() if before[k] != after[k]},
            )
    return person


def set_active(session: Session, actor: User, user_id: int, active: bool) -> User:
    """Suspend (active False: every session, token and card stops working) or reinstate."""
    with write_transaction(session):
        person = _person_in_scope(session, actor, user_id)
        if person.id == actor.id:
            raise SelfSuspension()
        if person.active == active:
            raise AlreadyInState(state="启用" if active else "停用")
        person.active = active
        # Bumping the token version ends every login session and API token at once.
        person.token_version = person.token_version + 1
        audit.record(
            session,
            actor_id=actor.id,
            action="person.reinstate" if active else "person.suspend",
            village_id=person.village_id,
            target_type="user",
            target_id=person.id,
            before={"active": not active},
            after={"active": active},
        )
    return person


def reissue_card(session: Session, actor: User, user_id: int) -> User:
    """Give a person a new card: the old printed card stops working."""
    with write_transaction(session):
        person = _person_in_scope(session, actor, user_id)
        old = person.card_version
        person.card_version = old + 1
        audit.record(
            session,
            actor_id=actor.id,
            action="card.reissue",
            village_id=person.village_id,
            target_type="user",
            target_id=person.id,
            before={"card_version": old},
            after={"card_version": old + 1},
        )
    return person


def people_for_cards(
    session: Session, actor: User, *, village_id: int | None, ids: list[int] | None = None
) -> list[User]:
    """Active residents to print cards for: chosen ids, else the whole village."""
    stmt = select(User).where(User.active.is_(True), User.role == Role.RESIDENT.value)
    if ids:
        found = session.scalars(stmt.where(User.id.in_(ids)).order_by(User.id)).all()
        for person in found:
            policy.ensure_may_see_card(actor, person)
        return list(found)
    if village_id is not None:
        policy.ensure_may_see_reports(actor, village_place(session, village_id))
        stmt = stmt.where(User.village_id == village_id)
    else:
        policy.ensure_may_see_reports(actor, policy.scope_of(actor))
        stmt = stmt.where(policy.within(actor, village=User.village_id, town=User.town_id))
    return list(session.scalars(stmt.order_by(User.village_id, User.household_id, User.id)))
