"""Do both doors refuse alike what the thing's state or the input forbids?

The role-and-place table (test_doors_agree) asks who may act where; this one asks the
actor who may, in their own grid, to do what cannot be done: act twice, act on a thing in
the wrong state (409), or send bad input (422). Both doors must refuse with the same
status — a page by showing its form or list again with a note, never by a redirect that
looks like success — and neither may leave a trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import pytest
from sqlalchemy import func, select
from support import doors as door
from support.doors import Doors
from support.points import give_points
from support.world import DOORS, Spot, World
from werkzeug.test import TestResponse

from points import rules
from points.models import (
    AuditEntry,
    Checkin,
    Event,
    Redemption,
    Reward,
    RuleBookVersion,
    Transfer,
    User,
)


def person(world: World, spot: Spot, side: str) -> User:
    return spot.people[side]


def taken_phone(world: World, spot: Spot, side: str) -> str:
    return spot.people[side].phone


def suspended(world: World, spot: Spot, side: str) -> User:
    return world.suspended(spot.people[side])


def closed_event_and_person(world: World, spot: Spot, side: str) -> tuple[Event, User]:
    return world.event(spot, closed=True), spot.people[side]


def open_event_and_suspended(world: World, spot: Spot, side: str) -> tuple[Event, User]:
    return world.event(spot), world.suspended(spot.people[side])


def sold_out(world: World, spot: Spot, side: str) -> Reward:
    return world.reward(spot, name=f"{side}售罄的油", stock=0)


def any_reward(world: World, spot: Spot, side: str) -> Reward:
    return world.reward(spot, name=f"{side}大米")


def pending(world: World, spot: Spot, side: str) -> Redemption:
    return world.pending_redemption(spot.people[side])


def approved(world: World, spot: Spot, side: str) -> Redemption:
    return world.approved_redemption(spot.people[side])


def fulfilled(world: World, spot: Spot, side: str) -> Redemption:
    return world.fulfilled_redemption(spot.people[side])


def my_approved(world: World, spot: Spot, side: str) -> Redemption:
    return world.approved_redemption(world.actors["resident"])


def reversed_checkin(world: World, spot: Spot, side: str) -> int:
    return world.checked_in(spot.people[side], then_reversed=True)


def rule_name(world: World, spot: Spot, side: str) -> str:
    return f"{side}补充条款"


def rule_book_from_september(world: World, spot: Spot, side: str) -> str:
    """The village's additions already have a version in force from 2026-09-01."""
    if side == "page":
        rules.publish(
            world.session,
            None,
            village_id=spot.village.id,
            adoption=rules.Adoption(effective_from=date(2026, 9, 1), body="村民代表大会"),
            items=[{"code": "extra", "name": "九月条款", "points": 2}],
        )
        world.session.commit()
    return f"{side}补充条款"


def _with(doors_of: Callable, **options) -> Callable:
    return partial(doors_of, **options)


def _to_phone_of_actor(doors_of: Callable) -> Callable:
    """Edit the person's phone to the actor's own (taken)."""

    def call(d: Doors, who: User, spot: Spot) -> TestResponse:
        return doors_of(d, who, spot, phone=d.actor.phone)

    return call


@dataclass(frozen=True)
class Case:
    name: str
    role: str
    page: Callable[[Doors, object, Spot], TestResponse]
    api: Callable[[Doors, object, Spot], TestResponse]
    target: Callable[[World, Spot, str], object]
    expected: str


CASES = [
    Case(
        "register a phone already taken",
        "village_admin",
        door.register_page,
        door.register_api,
        taken_phone,
        "409",
    ),
    Case(
        "register a malformed phone",
        "village_admin",
        door.register_page,
        door.register_api,
        lambda world, spot, side: "12345",
        "422",
    ),
    Case(
        "edit a phone into one already taken",
        "village_admin",
        _to_phone_of_actor(door.edit_page),
        _to_phone_of_actor(door.edit_api),
        person,
        "409",
    ),
    Case(
        "edit a name into nothing",
        "village_admin",
        _with(door.edit_page, name=""),
        _with(door.edit_api, name=""),
        person,
        "422",
    ),
    Case(
        "suspend a suspended person",
        "village_admin",
        door.suspend_page,
        door.suspend_api,
        suspended,
        "409",
    ),
    Case(
        "create an event that ends before it starts",
        "village_admin",
        _with(door.create_event_page, hours=-1),
        _with(door.create_event_api, hours=-1),
        lambda world, spot, side: f"{side} 倒着的活动",
        "422",
    ),
    Case(
        "check in by card at a closed event",
        "staff",
        door.card_checkin_page,
        door.card_checkin_api,
        closed_event_and_person,
        "409",
    ),
    Case(
        "check in by hand at a closed event",
        "staff",
        door.manual_checkin_page,
        door.manual_checkin_api,
        closed_event_and_person,
        "409",
    ),
    Case(
        "check in by hand a suspended resident",
        "staff",
        door.manual_checkin_page,
        door.manual_checkin_api,
        open_event_and_suspended,
        "403",
    ),
    Case(
        "request a sold-out reward",
        "resident",
        door.request_page,
        door.request_api,
        sold_out,
        "409",
    ),
    Case(
        "request none of a reward",
        "resident",
        _with(door.request_page, quantity=0),
        _with(door.request_api, quantity=0),
        any_reward,
        "422",
    ),
    Case(
        "approve a redemption already approved",
        "village_admin",
        door.approve_page,
        door.approve_api,
        approved,
        "409",
    ),
    Case(
        "reject a redemption already approved",
        "village_admin",
        door.reject_page,
        door.reject_api,
        approved,
        "409",
    ),
    Case(
        "reject a redemption without a reason",
        "village_admin",
        _with(door.reject_page, reason=""),
        _with(door.reject_api, reason=""),
        pending,
        "422",
    ),
    Case(
        "fulfil a redemption already handed over",
        "village_admin",
        door.fulfil_page,
        door.fulfil_api,
        fulfilled,
        "409",
    ),
    Case(
        "cancel my redemption already approved",
        "resident",
        door.cancel_page,
        door.cancel_api,
        my_approved,
        "409",
    ),
    Case(
        "reverse a check-in already reversed",
        "village_admin",
        door.reverse_page,
        door.reverse_api,
        reversed_checkin,
        "409",
    ),
    Case(
        "deduct more points than the resident has",
        "village_admin",
        _with(door.adjust_page, amount=-5),
        _with(door.adjust_api, amount=-5),
        person,
        "409",
    ),
    Case(
        "adjust by nothing",
        "village_admin",
        _with(door.adjust_page, amount=0),
        _with(door.adjust_api, amount=0),
        person,
        "422",
    ),
    Case(
        "publish a rule book item without points",
        "village_admin",
        _with(door.publish_rules_page, points=None),
        _with(door.publish_rules_api, points=None),
        rule_name,
        "422",
    ),
    Case(
        "publish a rule book version before the one in force",
        "village_admin",
        door.publish_rules_page,
        door.publish_rules_api,
        rule_book_from_september,
        "409",
    ),
    Case(
        "import a phone already taken",
        "village_admin",
        door.import_page,
        door.import_api,
        taken_phone,
        "422",
    ),
]


def footprint(session) -> dict[str, int]:
    """How many of the things an action may leave behind there are."""
    counted = (User, Event, Checkin, Redemption, Transfer, AuditEntry, RuleBookVersion)
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) for model in counted
    }


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_page_and_api_refuse_alike(app, world, case):
    """Does each door refuse it with the same status, leaving no trace?"""
    spot = world.spots["own_grid"]
    actor = world.actors[case.role]
    give_points(world.session, actor, 100)
    targets = {side: case.target(world, spot, side) for side in DOORS}
    d = Doors(app, world, actor)
    before = footprint(world.session)
    answers = {
        "page": case.page(d, targets["page"], spot),
        "api": case.api(d, targets["api"], spot),
    }
    seen = {side: d.outcome(side, answers[side]) for side in DOORS}
    wanted = {"page": case.expected, "api": case.expected}
    assert seen == wanted, (
        f"page answered {seen['page']}, API {seen['api']}: {case.expected} wanted"
    )
    assert footprint(world.session) == before
