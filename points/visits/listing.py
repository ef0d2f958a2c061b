"""A grid's households as its worker sees them: the last visit of each, and the ones not yet
visited this quarter (Shanghai calendar). Households only — never one worker's visits
counted beside another's (officials are not ranked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points import policy
from points.board.leaderboard import mask_name
from points.clock import local_now
from points.errors import N_, NotFound
from points.models import Grid, HomeVisit, Household, User, Village
from points.policy import Place


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    code: str
    village_name: str
    grid_id: int | None
    grid_name: str
    head: str  # the first member's name, masked
    members: int
    last_visit: date | None
    visited_this_quarter: bool


def quarter_start(today: date) -> date:
    """The first day of the Shanghai quarter a day falls in."""
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def _grids(session: Session, actor, grid_id: int | None) -> list[Grid]:
    """The grids asked about: one named grid (checked), else the worker's own."""
    if grid_id is not None:
        grid = session.get(Grid, grid_id)
        if grid is None:
            raise NotFound(what=N_("该网格"))
        town_id = session.scalar(select(Village.town_id).where(Village.id == grid.village_id))
        policy.ensure_may_see_visits(actor, Place(town_id, grid.village_id, grid.id))
        return [grid]
    policy.ensure_staff(actor)
    ids = sorted(getattr(actor, "grid_ids", ()) or ())
    if not ids:
        return []
    return list(session.scalars(select(Grid).where(Grid.id.in_(ids)).order_by(Grid.id)))


def households_of(
    session: Session, actor, *, grid_id: int | None = None, today: date | None = None
) -> list[HouseholdRow]:
    """The households of a grid (or of the worker's grids), those not visited this quarter
    first, each with its last visit by anyone."""
    grids = _grids(session, actor, grid_id)
    if not grids:
        return []
    today = today or local_now().date()
    since = quarter_start(today)
    names = {g.id: g.name for g in grids}
    villages = dict(
        session.execute(
            select(Village.id, Village.name).where(Village.id.in_({g.village_id for g in grids}))
        ).all()
    )
    last = (
        select(HomeVisit.household_id, func.max(HomeVisit.day).label("day"))
        .group_by(HomeVisit.household_id)
        .subquery()
    )
    head = (
        select(User.household_id, func.min(User.id).label("head_id"), func.count().label("n"))
        .where(User.household_id.is_not(None))
        .group_by(User.household_id)
        .subquery()
    )
    rows = session.execute(
        select(Household, last.c.day, head.c.head_id, head.c.n)
        .outerjoin(last, last.c.household_id == Household.id)
        .outerjoin(head, head.c.household_id == Household.id)
        .where(Household.grid_id.in_(list(names)))
    ).all()
    heads = dict(
        session.execute(
            select(User.id, User.name).where(User.id.in_([r.head_id for r in rows if r.head_id]))
        ).all()
    )
    found = [
        HouseholdRow(
            id=household.id,
            code=household.code,
            village_name=villages.get(household.village_id, ""),
            grid_id=household.grid_id,
            grid_name=names.get(household.grid_id, ""),
            head=mask_name(heads.get(head_id, "")),
            members=n or 0,
            last_visit=day,
            visited_this_quarter=day is not None and day >= since,
        )
        for household, day, head_id, n in rows
    ]
    found.sort(key=lambda r: (r.visited_this_quarter, r.last_visit or date.min, r.code))
    return found


def door_sheet(session: Session, actor, grid_id: int) -> tuple[Grid, list[HouseholdRow]]:
    """The households of one grid to print door codes for, in code order."""
    rows = households_of(session, actor, grid_id=grid_id)
    grid = session.get(Grid, grid_id)
    return grid, sorted(rows, key=lambda r: r.code)


def grids_to_pick(session: Session, actor) -> list[Grid]:
    """The grids the actor may open: a worker's own; an admin's, over their subtree."""
    if actor.role == "staff":
        return _grids(session, actor, None)
    policy.ensure_admin(actor)
    query = (
        select(Grid)
        .join(Village, Village.id == Grid.village_id)
        .where(policy.within(actor, village=Grid.village_id, town=Village.town_id))
        .order_by(Grid.village_id, Grid.id)
    )
    return list(session.scalars(query.limit(500)))
