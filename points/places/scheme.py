"""What a town's scheme is called: its name (a setting) and the name of its points.

Each town runs its own scheme (谷来镇: 平安积分, counted in 香榧币). Pages show both on every
page of the town; the API answers them with the town.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points.models import Town
from points.models.places import DEFAULT_POINTS_NAME
from points.places import settings

SCHEME_KEY = "scheme_name"


@dataclass(frozen=True)
class Scheme:
    """A town's scheme as people see it named (no town: the city's default names)."""

    town_id: int | None
    town_code: str | None
    town_name: str | None
    name: str  # 平安积分
    points_name: str  # 香榧币

    @property
    def default_points_name(self) -> bool:
        """Whether the points carry the built-in name (shown translated)."""
        return self.points_name == DEFAULT_POINTS_NAME

    @property
    def default_name(self) -> bool:
        return self.name == settings.DEFAULTS[SCHEME_KEY]


# The names before anyone names them (also shown when the database cannot be asked).
BUILT_IN = Scheme(None, None, None, settings.DEFAULTS[SCHEME_KEY], DEFAULT_POINTS_NAME)


def scheme_name(session: Session, town_id: int | None) -> str:
    """The town's scheme name (a town's own, else the city's, else 平安积分)."""
    return settings.get(session, SCHEME_KEY, town_id=town_id)


def scheme_of(session: Session, town: Town | None) -> Scheme:
    """The names of a town's scheme; with no town, the city's defaults."""
    if town is None:
        return Scheme(None, None, None, scheme_name(session, None), DEFAULT_POINTS_NAME)
    return Scheme(town.id, town.code, town.name, scheme_name(session, town.id), town.points_name)


def only_town(session: Session) -> Town | None:
    """The deployment's town when it has exactly one (then every page is about it)."""
    if session.scalar(select(func.count(Town.id))) != 1:
        return None
    return session.scalar(select(Town))


def town_view(session: Session, town: Town) -> dict:
    """A town as the API answers it: its fields and what its scheme is called."""
    return {
        "id": town.id,
        "city_id": town.city_id,
        "name": town.name,
        "code": town.code,
        "points_name": town.points_name,
        "scheme_name": scheme_name(session, town.id),
    }
