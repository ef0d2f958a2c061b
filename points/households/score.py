"""A household's yearly score and its 文明家庭 stars.

The score of year Y is the household's base (`household_base_points`, default 0), plus the
sum of its members' points earned in Y (the leaderboard's own totals: points.ledger.earned —
spending and expiry never lower it), plus the household items of the rule book recorded for
Y (points.households.items). Base and items are score only, never money. Stars: one for each
threshold of the `household_star_thresholds` setting the score reaches (default 100/300/600).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from points import policy
from points.clock import local_now
from points.errors import N_, NotFound
from points.households import items
from points.models import EarnedTotal, Household, User, Village
from points.places import settings
from points.policy import Place

SETTING = "household_star_thresholds"
DEFAULT_THRESHOLDS = [100, 300, 600]


@dataclass(frozen=True)
class HouseholdView:
    id: int
    code: str
    village_id: int
    village_name: str
    members: list[dict]
    year: int
    score_year: int
    stars: int
    thresholds: list[int]
    base: int = 0
    earned_year: int = 0
    items_year: int = 0


def earned(session: Session, household_id: int, year: int) -> int:
    """The members' points earned in the year (the ledger's part of the score)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(EarnedTotal.points), 0))
            .join(User, User.id == EarnedTotal.resident_id)
            .where(User.household_id == household_id, EarnedTotal.period == f"y{year}")
        )
        or 0
    )


def score(session: Session, household_id: int, year: int) -> int:
    """The household's score of the year: base + members' earned points + household items."""
    household = session.get(Household, household_id)
    return (
        items.base_for(session, household.village_id)
        + earned(session, household_id, year)
        + items.items_total(session, household_id, year)
    )


def thresholds_for(session: Session, village_id: int) -> list[int]:
    value = settings.get(session, SETTING, village_id)
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        return list(DEFAULT_THRESHOLDS)
    return sorted(value)


def stars_for(points: int, thresholds: list[int]) -> int:
    return sum(1 for threshold in thresholds if points >= threshold)


def view(session: Session, viewer: User, household_id: int, *, year: int | None = None):
    """A household as its members and the admins over its village see it."""
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(what=N_("该户"))
    town_id = session.scalar(select(Village.town_id).where(Village.id == household.village_id))
    policy.ensure_may_see_household(viewer, Place(town_id, household.village_id), household_id)
    year = year or local_now().year
    members = session.execute(
        select(User.id, User.name).where(User.household_id == household_id).order_by(User.id)
    ).all()
    base = items.base_for(session, household.village_id)
    members_earned = earned(session, household_id, year)
    own_items = items.items_total(session, household_id, year)
    points = base + members_earned + own_items
    thresholds = thresholds_for(session, household.village_id)
    return HouseholdView(
        id=household.id,
        code=household.code,
        village_id=household.village_id,
        village_name=session.get(Village, household.village_id).name,
        members=[{"id": m.id, "name": m.name} for m in members],
        year=year,
        score_year=points,
        stars=stars_for(points, thresholds),
        thresholds=thresholds,
        base=base,
        earned_year=members_earned,
        items_year=own_items,
    )
