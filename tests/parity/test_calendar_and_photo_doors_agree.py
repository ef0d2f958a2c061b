"""Do the page and the API agree on who may enter a town's holidays (节假日 · 调休) and who may
see a case's photo?

The rows run through the same check as every other action (test_doors_agree): each role, at
each spot, through both doors, on its own but identical thing.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import test_doors_agree as parity
from flask import current_app
from PIL import Image
from support.doors import Doors
from support.world import ROLES, SPOTS, Spot, World
from werkzeug.test import TestResponse

from points.cases import hazards, photos
from points.clock import local_now
from points.models import Case, CasePhoto
from points.places import workdays
from points.policy import Place

TOWN_ADMINS = {  # a town's calendar: its town admin and the city admin; villages follow it
    **parity.ADMIN_OVER_PEOPLE,
    "village_admin": parity.REFUSED_EVERYWHERE,
}
GRID_CASES = {**parity.ADMIN_OVER_PEOPLE, "staff": "+333"}  # the reporter is not the actor


def town_holiday(world: World, spot: Spot, side: str) -> tuple[int, int, str]:
    """(town, year, day): this year's for the page, next year's for the API, a day a spot."""
    year = local_now().year + (side == "api")
    return spot.village.town_id, year, date(year, 12, 20 + SPOTS.index(spot.name)).isoformat()


def holiday_page(d: Doors, target: tuple[int, int, str], spot: Spot) -> TestResponse:
    town_id, year, day = target
    return d.page.post(
        f"/admin/settings/calendar?town_id={town_id}",
        data={"year": str(year), "holidays": day, "workdays": ""},
    )


def holiday_api(d: Doors, target: tuple[int, int, str], spot: Spot) -> TestResponse:
    town_id, year, day = target
    return d.call("PUT", f"/api/v1/calendar/{year}?town_id={town_id}", json={"holidays": [day]})


def holiday_kept(d: Doors, target: tuple[int, int, str], response: TestResponse) -> bool:
    town_id, year, day = target
    return day in workdays.year_view(d.world.session, Place(town_id), year)["holidays"]


def _picture() -> str:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 30)).save(out, "PNG")
    return photos.store_photo(current_app.instance_path, out.getvalue())


def reported_with_photo(world: World, spot: Spot, side: str) -> tuple[Case, int]:
    case = hazards.report(
        world.session,
        reporter=spot.people[side],
        title=f"{spot.name}{side}路灯不亮",
        photos=[_picture()],
    )
    photo_id = world.session.query(CasePhoto.id).filter(CasePhoto.case_id == case.id).scalar()
    return case, photo_id


def photo_page(d: Doors, target: tuple[Case, int], spot: Spot) -> TestResponse:
    case, photo_id = target
    return d.page.get(f"/cases/{case.id}/photos/{photo_id}")


def photo_api(d: Doors, target: tuple[Case, int], spot: Spot) -> TestResponse:
    case, photo_id = target
    return d.call("GET", f"/api/v1/cases/{case.id}/photos/{photo_id}")


def shows_picture(d: Doors, target: tuple[Case, int], response: TestResponse) -> bool:
    return response.status_code == 200 and response.mimetype == "image/webp"


ACTIONS = [
    parity.Action(
        "enter a town's holidays",
        holiday_page,
        holiday_api,
        TOWN_ADMINS,
        town_holiday,
        holiday_kept,
    ),
    parity.Action(
        "see a hazard report's photo",
        photo_page,
        photo_api,
        GRID_CASES,
        reported_with_photo,
        shows_picture,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_page_and_api_answer_alike_on_holidays_and_case_photos(app, world, action, role):
    parity.test_page_and_api_answer_alike_at_every_spot(app, world, action, role)
