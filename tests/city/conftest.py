"""Fixtures for the city's pages: a second town beside 谷来镇, a city admin, activity in both.

The root conftest's `town` is 谷来镇 (香榧币) with 谷来村 and 马村; `other_town` is 三界镇,
which calls its points 三界分, with two villages of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from points import checkin, places
from points.db import write_transaction
from points.models import Event, EventCategory, Role, User, utcnow
from points.places.opening import open_town
from points.policy import Place
from points.shop import catalogue, redemption


@dataclass
class OtherTown:
    town: object
    village_c: object
    village_d: object
    town_admin: User
    admin_c: User
    resident_c: User
    resident_c2: User
    resident_d: User

    @property
    def place(self) -> Place:
        return Place(self.town.id)


@pytest.fixture
def other_town(session, town, make_person) -> OtherTown:
    """三界镇 (三界分): two villages, a town admin, a village admin and three residents."""
    here = open_town(session, name="三界镇", code="SJ", points_name="三界分")
    c = places.create_village(session, town_id=here.id, name="三界村", code="SJ01")
    d = places.create_village(session, town_id=here.id, name="嶀浦村", code="SJ02")
    return OtherTown(
        town=here,
        village_c=c,
        village_d=d,
        town_admin=make_person(None, Role.TOWN_ADMIN.value, "三界镇管理员", town=here),
        admin_c=make_person(c, Role.VILLAGE_ADMIN.value, "三界书记"),
        resident_c=make_person(c, name="钱六", household="SJ01-001"),
        resident_c2=make_person(c, name="孙七", household="SJ01-002"),
        resident_d=make_person(d, name="周八"),
    )


@pytest.fixture
def city_admin(city, make_person) -> User:
    return make_person(None, Role.CITY_ADMIN.value, "市管理员")


@pytest.fixture
def check_in(session):
    """Check a resident in at a new event of their village, the way the engine awards it."""

    def check_in(resident: User, points: int = 10, *, title: str = "夜间治安巡防") -> None:
        when = utcnow()
        with write_transaction(session):
            category = session.scalar(
                select(EventCategory).where(EventCategory.town_id == resident.town_id).limit(1)
            )
            event = Event(
                title=title,
                category_id=category.id,
                town_id=resident.town_id,
                village_id=resident.village_id,
                starts_at=when - timedelta(hours=1),
                ends_at=when + timedelta(hours=1),
                checkin_opens_at=when - timedelta(hours=1),
                checkin_closes_at=when + timedelta(hours=1),
                points=points,
                status="published",
            )
            session.add(event)
            session.flush()
            event_id = event.id
        checkin.award(
            session,
            event_id=event_id,
            resident=resident,
            method="manual",
            at=when.replace(tzinfo=UTC).timestamp(),
            recorded_at=when,
        )

    return check_in


@pytest.fixture
def redeem(session):
    """A resident redeems a reward of their village, approved and handed over by its admin."""

    def redeem(resident: User, admin: User, cost: int) -> None:
        reward = catalogue.create_reward(
            session,
            actor=admin,
            fields=catalogue.RewardFields(
                name="食用油", points_cost=cost, stock=None, village_id=resident.village_id
            ),
        )
        made = redemption.request(session, resident=resident, reward_id=reward.id, quantity=1)
        redemption.approve(session, actor=admin, redemption_id=made.id)
        redemption.fulfil(session, actor=admin, redemption_id=made.id)

    return redeem
