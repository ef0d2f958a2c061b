"""Do the page and the API agree on who may verify a hazard report and record a dispute?

The rows run through the same check as every other action (test_doors_agree): each role, at
each spot, through both doors, on its own but identical thing.
"""

from __future__ import annotations

import pytest
import test_doors_agree as parity
from sqlalchemy import select
from support.doors import Doors
from support.world import ROLES, Spot, World
from werkzeug.test import TestResponse

from points.cases import hazards
from points.models import Case

GRID_CASES = {**parity.ADMIN_OVER_PEOPLE, "staff": "+333"}  # grid workers: their grid's


def reported(world: World, spot: Spot, side: str) -> Case:
    """A hazard reported by the spot's resident of that door."""
    return hazards.report(
        world.session,
        reporter=spot.people[side],
        title=f"{spot.name}{side}电线裸露",
        photos=["p.webp"],
    )


def verify_page(d: Doors, case: Case, spot: Spot) -> TestResponse:
    return d.page.post(f"/grid/cases/{case.id}/verify")


def verify_api(d: Doors, case: Case, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/cases/{case.id}/verify")


def verified(d: Doors, case: Case, response: TestResponse) -> bool:
    d.world.session.refresh(case)
    return case.status == "verified"


def dispute_title(world: World, spot: Spot, side: str) -> tuple[Spot, str]:
    return spot, f"{spot.name}{side}宅基地纠纷"


def _where(spot: Spot) -> dict:
    return {"grid_id": spot.grid.id} if spot.grid else {"village_id": spot.village.id}


def record_page(d: Doors, target: tuple[Spot, str], spot: Spot) -> TestResponse:
    _, title = target
    return d.page.post(
        "/grid/disputes/new", data={"title": title, "parties": "王甲 13700000000", **_where(spot)}
    )


def record_api(d: Doors, target: tuple[Spot, str], spot: Spot) -> TestResponse:
    _, title = target
    body = {"kind": "dispute", "title": title, "parties": [{"name": "王甲"}], **_where(spot)}
    return d.call("POST", "/api/v1/cases", json=body)


def recorded(d: Doors, target: tuple[Spot, str], response: TestResponse) -> bool:
    found = select(Case.id).where(Case.kind == "dispute", Case.title == target[1])
    return d.world.session.scalar(found) is not None


ACTIONS = [
    parity.Action(
        "verify a hazard report", verify_page, verify_api, GRID_CASES, reported, verified
    ),
    parity.Action("record a dispute", record_page, record_api, GRID_CASES, dispute_title, recorded),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_page_and_api_answer_alike_on_hazards_and_disputes(app, world, action, role):
    parity.test_page_and_api_answer_alike_at_every_spot(app, world, action, role)
