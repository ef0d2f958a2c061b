"""The tree of places: create and find the city, its towns, their villages and grids."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, delete, insert, select, true
from sqlalchemy.orm import Session

from points import ledger, policy
from points.admin import audit
from points.db import write_transaction
from points.errors import N_, DomainError, InvalidInput, NotFound
from points.models import City, Grid, Role, Town, User, Village, grid_staff
from points.models.places import DEFAULT_POINTS_NAME
from points.places import scheme as schemes
from points.places import settings
from points.policy import Place

CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class CodeTaken(DomainError):
    code = "code_taken"
    template = N_("编码 %(code)s 已被使用。")


def clean_place_name(name: object) -> str:
    text = str(name or "").strip()
    if not text or len(text) > 80:
        raise InvalidInput("名称不能为空，且不超过 80 个字。")
    return text


def clean_code(code: object) -> str:
    text = str(code or "").strip()
    if not CODE_RE.fullmatch(text):
        raise InvalidInput("编码只能用字母、数字、- 和 _，不超过 32 位。")
    return text


def clean_points_name(name: object) -> str:
    text = str(name or "").strip() or DEFAULT_POINTS_NAME
    if len(text) > 20:
        raise InvalidInput("积分名称不超过 20 个字。")
    return text


# --- reading ------------------------------------------------------------------------------
def the_city(session: Session) -> City | None:
    """The deployment's city (one per deployment)."""
    return session.scalar(select(City).order_by(City.id).limit(1))


def get_town(session: Session, town_id: int) -> Town:
    town = session.get(Town, town_id)
    if town is None:
        raise NotFound(what=f"镇 {town_id}")
    return town


def town_by_code(session: Session, code: str) -> Town:
    town = session.scalar(select(Town).where(Town.code == code))
    if town is None:
        raise NotFound(what=f"镇编码 {code}")
    return town


def towns(session: Session) -> list[Town]:
    return list(session.scalars(select(Town).order_by(Town.code)))


def towns_for(session: Session, actor: User) -> list[Town]:
    """The towns an actor's scope holds whole (a city admin: all; a town admin: theirs)."""
    return list(session.scalars(select(Town).where(policy.towns_within(actor)).order_by(Town.code)))


def town_to_manage(session: Session, actor: User, town_id: int) -> Town:
    """A town for the form that renames it: its town admins and the city admin."""
    policy.ensure_may_manage_town(actor, Place(town_id))
    return get_town(session, town_id)


def get_village(session: Session, village_id: int) -> Village:
    village = session.get(Village, village_id)
    if village is None:
        raise NotFound(what=f"村 {village_id}")
    return village


def village_by_code(session: Session, code: str) -> Village:
    village = session.scalar(select(Village).where(Village.code == code))
    if village is None:
        raise NotFound(what=f"村编码 {code}")
    return village


def villages(session: Session, *, town_id: int | None = None) -> list[Village]:
    query = select(Village).order_by(Village.code)
    if town_id is not None:
        query = query.where(Village.town_id == town_id)
    return list(session.scalars(query))


def villages_for(session: Session, actor: User) -> list[Village]:
    """The villages an actor's scope holds (what their pages let them pick)."""
    query = select(Village).where(policy.villages_within(actor))
    return list(session.scalars(query.order_by(Village.town_id, Village.code)))


def get_grid(session: Session, grid_id: int) -> Grid:
    grid = session.get(Grid, grid_id)
    if grid is None:
        raise NotFound(what=f"网格 {grid_id}")
    return grid


def grids(session: Session, *, village_id: int) -> list[Grid]:
    return list(
        session.scalars(select(Grid).where(Grid.village_id == village_id).order_by(Grid.code))
    )


def grids_for(session: Session, viewer: User, *, village_id: int | None) -> list[dict]:
    """A village's grids with the ids of their grid workers, for staff and up of it."""
    if village_id is None:
        raise InvalidInput("请选择村。")
    village = get_village(session, village_id)
    policy.ensure_may_see_grids(viewer, Place(village.town_id, village.id))
    return [grid_view(session, grid) for grid in grids(session, village_id=village_id)]


def grid_view(session: Session, grid: Grid) -> dict:
    """A grid as lists show it: its fields and the ids of the grid workers serving it."""
    return {
        "id": grid.id,
        "village_id": grid.village_id,
        "name": grid.name,
        "code": grid.code,
        "micro_grid": grid.micro_grid,
        "staff_ids": sorted(staff_ids_of(session, grid.id)),
    }


def village_place(session: Session, village_id: int | None, town_id: int | None = None) -> Place:
    """The place of a village (or, with no village, of the town): for the policy's questions.

    A village that does not exist has no town: the policy refuses it like any village out
    of reach (403), so nobody learns which ids exist; only an admin over the whole city
    gets as far as "not found"."""
    if village_id is None:
        return Place(town_id)
    village = session.get(Village, village_id)
    return Place(village.town_id if village is not None else None, village_id)


def chosen_place(
    session: Session, actor: User, *, village_id: int | None = None, town_id: int | None = None
) -> Place:
    """The place a reader picked (a village, a town), else the node their scope is.

    Only resolves: whether the reader may look there is the use case's question.
    """
    if village_id is not None:
        return village_place(session, village_id)
    if town_id is not None:
        return Place(get_town(session, town_id).id)
    return policy.scope_of(actor)


def in_place(village_column: ColumnElement, place: Place) -> ColumnElement[bool]:
    """A WHERE clause keeping rows (by their village column) that lie in a place."""
    if place.village_id is not None:
        return village_column == place.village_id
    if place.town_id is not None:
        return village_column.in_(select(Village.id).where(Village.town_id == place.town_id))
    return true()


# --- creating -----------------------------------------------------------------------------
def create_city(session: Session, *, name: str, code: str) -> City:
    """The deployment's city: made once, by `init-db`'s first admin or the demo."""
    name, code = clean_place_name(name), clean_code(code)
    with write_transaction(session):
        if session.scalar(select(City.id).where(City.code == code)):
            raise CodeTaken(code=code)
        city = City(name=name, code=code)
        session.add(city)
    return city


def create_town(
    session: Session,
    *,
    name: str,
    code: str,
    points_name: str | None = None,
    scheme_name: str | None = None,
    actor: User | None = None,
) -> Town:
    """Add a town (镇/街道) to the city; it runs its own scheme (its name, its points' name …)."""
    if actor is not None:
        policy.ensure_may_create_town(actor)
    name, code, unit = clean_place_name(name), clean_code(code), clean_points_name(points_name)
    scheme = _clean_scheme_name(scheme_name)
    with write_transaction(session):
        city = the_city(session)
        if city is None:
            raise NotFound(what=N_("市"))
        if session.scalar(select(Town.id).where(Town.code == code)):
            raise CodeTaken(code=code)
        town = Town(city_id=city.id, name=name, code=code, points_name=unit)
        session.add(town)
        session.flush()
        after = {"name": name, "code": code, "points_name": unit}
        if scheme is not None:
            settings.put(session, schemes.SCHEME_KEY, scheme, Place(town.id))
            after["scheme_name"] = scheme
        audit.record(
            session,
            actor_id=actor.id if actor else None,
            action="town.create",
            town_id=town.id,
            target_type="town",
            target_id=town.id,
            after=after,
        )
    return town


def update_town(
    session: Session,
    actor: User,
    town_id: int,
    *,
    name: str | None = None,
    points_name: str | None = None,
    scheme_name: str | None = None,
) -> Town:
    """Rename a town, its scheme or the name of its points (谷来镇: 香榧币)."""
    scheme = _clean_scheme_name(scheme_name)
    with write_transaction(session):
        town = get_town(session, town_id)
        place = Place(town.id)
        policy.ensure_may_manage_town(actor, place)
        before = _town_names(session, town)
        if name is not None:
            town.name = clean_place_name(name)
        if points_name is not None:
            town.points_name = clean_points_name(points_name)
        if scheme is not None and scheme != before["scheme_name"]:
            settings.put(session, schemes.SCHEME_KEY, scheme, place)
        session.flush()
        after = _town_names(session, town)
        if after != before:
            audit.record(
                session,
                actor_id=actor.id,
                action="town.update",
                town_id=town.id,
                target_type="town",
                target_id=town.id,
                before=before,
                after=after,
            )
    return town


def _clean_scheme_name(name: object) -> str | None:
    """The scheme's name as typed (None: leave it as it is)."""
    if name is None:
        return None
    return settings.clean_value(schemes.SCHEME_KEY, name)


def _town_names(session: Session, town: Town) -> dict:
    return {
        "name": town.name,
        "points_name": town.points_name,
        "scheme_name": schemes.scheme_name(session, town.id),
    }


def create_village(
    session: Session,
    *,
    town_id: int,
    name: str,
    code: str,
    actor: User | None = None,
) -> Village:
    """Create a village of a town, with its issuance account and redeemed sink."""
    if actor is not None:
        policy.ensure_may_create_village(actor, Place(town_id))
    name, code = clean_place_name(name), clean_code(code)
    with write_transaction(session):
        get_town(session, town_id)
        if session.scalar(select(Village.id).where(Village.code == code)):
            raise CodeTaken(code=code)
        village = Village(town_id=town_id, name=name, code=code)
        session.add(village)
        session.flush()
        ledger.village_account(session, village.id, "issuance")
        ledger.village_account(session, village.id, "redeemed")
        audit.record(
            session,
            actor_id=actor.id if actor else None,
            action="village.create",
            town_id=town_id,
            village_id=village.id,
            target_type="village",
            target_id=village.id,
            after={"name": name, "code": code},
        )
    return village


def create_grid(
    session: Session,
    *,
    village_id: int,
    name: str,
    code: str,
    micro_grid: str | None = None,
    staff_ids: list[int] | None = None,
    actor: User | None = None,
) -> Grid:
    """Add a grid (网格) to a village, with the grid workers who serve it."""
    village = get_village(session, village_id)
    if actor is not None:
        policy.ensure_may_manage_grids(actor, Place(village.town_id, village.id))
    name, code = clean_place_name(name), clean_code(code)
    micro = str(micro_grid or "").strip()[:80] or None
    with write_transaction(session):
        taken = select(Grid.id).where(Grid.village_id == village_id, Grid.code == code)
        if session.scalar(taken):
            raise CodeTaken(code=code)
        grid = Grid(village_id=village_id, name=name, code=code, micro_grid=micro)
        session.add(grid)
        session.flush()
        _set_staff(session, grid, staff_ids or [])
        audit.record(
            session,
            actor_id=actor.id if actor else None,
            action="grid.create",
            town_id=village.town_id,
            village_id=village_id,
            target_type="grid",
            target_id=grid.id,
            after={"name": name, "code": code, "micro_grid": micro, "staff_ids": staff_ids},
        )
    return grid


def assign_staff(session: Session, actor: User, grid_id: int, staff_ids: list[int]) -> Grid:
    """Set the grid workers who serve a grid (replacing the ones before)."""
    with write_transaction(session):
        grid = get_grid(session, grid_id)
        policy.ensure_may_manage_grids(actor, Place(grid.village.town_id, grid.village_id))
        before = sorted(staff_ids_of(session, grid.id))
        _set_staff(session, grid, staff_ids)
        audit.record(
            session,
            actor_id=actor.id,
            action="grid.staff",
            town_id=grid.village.town_id,
            village_id=grid.village_id,
            target_type="grid",
            target_id=grid.id,
            before={"staff_ids": before},
            after={"staff_ids": sorted(set(staff_ids))},
        )
    return grid


def staff_ids_of(session: Session, grid_id: int) -> list[int]:
    return list(
        session.scalars(select(grid_staff.c.user_id).where(grid_staff.c.grid_id == grid_id))
    )


class NotGridStaff(DomainError):
    code = "not_staff"
    template = N_("只能把本村的网格员分到网格：%(name)s 不是。")


def _set_staff(session: Session, grid: Grid, staff_ids: list[int]) -> None:
    wanted = sorted(set(staff_ids))
    for user_id in wanted:
        person = session.get(User, user_id)
        if person is None:
            raise NotFound(what=f"网格员 {user_id}")
        if person.role != Role.STAFF or person.village_id != grid.village_id:
            raise NotGridStaff(name=person.name)
    before = staff_ids_of(session, grid.id)
    session.execute(delete(grid_staff).where(grid_staff.c.grid_id == grid.id))
    if wanted:
        session.execute(insert(grid_staff), [{"grid_id": grid.id, "user_id": u} for u in wanted])
    for user_id in {*before, *wanted}:  # their loaded `grids` are stale now
        loaded = session.identity_map.get((User, (user_id,), None))
        if loaded is not None:
            session.expire(loaded, ["grids"])
