"""Who may record a home visit, and see a grid's households? The grid's workers and the
admins over its village — never to their own household."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from unit.test_policy import ACTORS, PLACES, F, G, T, V, each, ok, outcome, rows

from points import policy
from points.policy import Place

#                              own grid  other grid  other village  other town  town-wide  city-wide
VISITS = {
    "city_admin":    (ok, ok, ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T, ok, T),
    "village_admin": (ok, ok, V, T, V, T),
    "staff":         (ok, G, V, T, V, T),
    "resident":      (F, F, F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize(
    "check", [policy.ensure_may_visit, policy.ensure_may_see_visits], ids=lambda c: c.__name__
)
@pytest.mark.parametrize(("role", "expected"), rows(VISITS, PLACES))
def test_a_households_visits_belong_to_its_grids_workers_and_the_admins_over_it(
    check, role, expected
):
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place)) == expected


@dataclass(frozen=True)
class WorkerAtHome:
    id: int = 4
    role: str = "staff"
    town_id: int = 1
    village_id: int = 10
    grid_ids: tuple = (101,)
    household_id: int = 7


def test_nobody_records_a_visit_to_their_own_household():
    home = Place(1, 10, 101)
    assert outcome(policy.ensure_may_visit, WorkerAtHome(), home, 7) == "own_household"
    assert outcome(policy.ensure_may_visit, WorkerAtHome(), home, 8) == ok
