"""Where a leaderboard is drawn: the whole city, a town, a village or a grid (网格).

A reader names a scope and the place's id; with no scope, the narrowest place named decides
(grid, then village, then town), and naming none means the city. `scope=town` without a
town means the only town, when the city has just one: older clients asked for "the town"
before there could be several.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points.errors import N_, DomainError, InvalidInput, Msgid
from points.models import Grid, Town, Village
from points.models.places import DEFAULT_POINTS_NAME

SCOPES = ("grid", "village", "town", "city")
# Place ids are 32-bit integer columns: a larger id names nothing, and asking PostgreSQL
# about it would fail ("integer out of range") rather than find nothing.
LARGEST_ID = 2**31 - 1


class UnknownVillage(DomainError):
    code = "unknown_village"
    category = "not_found"
    template = N_("没有这个村（编号 %(village_id)s）。")


class UnknownTown(DomainError):
    code = "unknown_town"
    category = "not_found"
    template = N_("没有这个镇（编号 %(town_id)s）。")


class UnknownGrid(DomainError):
    code = "unknown_grid"
    category = "not_found"
    template = N_("没有这个网格（编号 %(grid_id)s）。")


class TownNeeded(DomainError):
    code = "town_needed"
    template = N_("本市有 %(count)s 个镇，请用 town_id 指定要看哪个镇的排行榜。")


class PlaceNeeded(DomainError):
    code = "place_needed"
    template = N_("按%(scope)s排名时，请同时给出 %(field)s。")


@dataclass(frozen=True)
class Board:
    """A resolved scope: the place's id and the names of it and the places above it."""

    scope: str = "city"
    town_id: int | None = None
    town_name: str | None = None
    points_name: str | None = None  # the town's own name for its points (香榧币), if it has one
    village_id: int | None = None
    village_name: str | None = None
    grid_id: int | None = None
    grid_name: str | None = None
    micro_grid: str | None = None

    @property
    def place_id(self) -> int | None:
        """The id the ranking filters on (None: the whole city)."""
        return {"city": None, "town": self.town_id, "village": self.village_id}.get(
            self.scope, self.grid_id
        )

    def widened(self, scope: str) -> Board:
        """The board of a wider place holding this one ('town' of a grid board …)."""
        keep = SCOPES.index(scope)
        names = {
            "grid": ("grid_id", "grid_name", "micro_grid"),
            "village": ("village_id", "village_name"),
            "town": ("town_id", "town_name", "points_name"),
        }
        cleared = {field: None for level in SCOPES[:keep] for field in names.get(level, ())}
        return replace(self, scope=scope, **cleared)


def _found(session: Session, model, ident: int | None):
    if ident is None or not 0 < ident <= LARGEST_ID:
        return None
    return session.get(model, ident)


def town_board(town: Town) -> Board:
    unit = town.points_name if town.points_name != DEFAULT_POINTS_NAME else None
    return Board("town", town.id, town.name, unit)


def village_board(village: Village) -> Board:
    above = town_board(village.town)
    return replace(above, scope="village", village_id=village.id, village_name=village.name)


def grid_board(grid: Grid) -> Board:
    above = village_board(grid.village)
    return replace(
        above, scope="grid", grid_id=grid.id, grid_name=grid.name, micro_grid=grid.micro_grid
    )


def board_for(
    session: Session,
    scope: str | None = None,
    *,
    town_id: int | None = None,
    village_id: int | None = None,
    grid_id: int | None = None,
) -> Board:
    """Resolve what a reader asked for into a board, or say which place is unknown."""
    if scope is None:
        named = {"grid": grid_id, "village": village_id, "town": town_id}
        scope = next((s for s, ident in named.items() if ident is not None), "city")
    if scope == "city":
        return Board()
    if scope == "grid":
        if grid_id is None:
            raise PlaceNeeded(scope=Msgid(N_("网格")), field="grid_id")
        grid = _found(session, Grid, grid_id)
        if grid is None:
            raise UnknownGrid(grid_id=grid_id)
        return grid_board(grid)
    if scope == "village":
        if village_id is None:
            raise PlaceNeeded(scope=Msgid(N_("村")), field="village_id")
        village = _found(session, Village, village_id)
        if village is None:
            raise UnknownVillage(village_id=village_id)
        return village_board(village)
    if scope != "town":
        raise InvalidInput(detail=f"scope {scope!r}")
    if town_id is None:
        count = session.scalar(select(func.count()).select_from(Town))
        if count != 1:
            raise TownNeeded(count=count)
        town_id = session.scalar(select(Town.id))
    town = _found(session, Town, town_id)
    if town is None:
        raise UnknownTown(town_id=town_id)
    return town_board(town)
