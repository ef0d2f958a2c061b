"""The hazards town: two grids of village A, two grid workers, and a book with the hazard and
mediation rules (the first reporter 10, later ones 1; mediation by tier)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from support.accounts import PASSWORD, new_phone

from points import places, rules
from points.clock import to_utc
from points.db import write_transaction
from points.models import Role, User
from points.people import NewPerson, create_person

FROM = date(2026, 1, 1)
ITEMS = [
    {
        "code": "hazard",
        "name": "隐患排查",
        "unit": "report",
        "points": 10,
        "first_reporter_only": True,
        "later_reporter_points": 1,
        "publicity_days": 3,
    },
    {
        "code": "mediation",
        "name": "矛盾调解",
        "unit": "case",
        "tiers": [
            {"name": "一般", "name_en": "simple", "points": 10},
            {"name": "较复杂", "name_en": "complex", "points": 30},
        ],
        "publicity_days": 7,
    },
]


@dataclass
class HazardTown:
    town: object  # the conftest Town
    grid: object
    other_grid: object
    staff_b: User  # a second grid worker of grid 1 (the race)

    def __getattr__(self, name):
        return getattr(self.town, name)


def set_up(session, town) -> HazardTown:
    grid = places.create_grid(
        session, village_id=town.village_a.id, name="一网格", code="G1", staff_ids=[town.staff_a.id]
    )
    other = places.create_grid(session, village_id=town.village_a.id, name="二网格", code="G2")
    staff_b = create_person(
        session,
        NewPerson(
            name="李网格",
            phone=new_phone(),
            role=Role.STAFF.value,
            password=PASSWORD,
            village_id=town.village_a.id,
            grid_ids=(grid.id,),
        ),
    )
    with write_transaction(session):
        for person in (town.resident_a, town.resident_a2):
            session.get(User, person.id).grid_id = grid.id
    rules.publish(
        session,
        None,
        town_id=town.town.id,
        adoption=rules.Adoption(
            effective_from=FROM,
            adopted_on=FROM,
            body="村民代表大会",
            votes_for=40,
            votes_against=1,
            votes_abstain=0,
        ),
        items=ITEMS,
    )
    session.commit()
    return HazardTown(town, grid, other, staff_b)


def shanghai(*args) -> datetime:
    return to_utc(datetime(*args))
