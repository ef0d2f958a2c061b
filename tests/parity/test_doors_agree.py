"""Do a page and the API always give the same answer? One door per rule, tried from both sides.

Every action that both a page and the API offer is run, for each role, at each spot of the
world (own grid, own village's other grid, another village of the town, another town),
once through the page and once through the API, each on its own but identical thing. The
two answers must be the same kind — done, or refused as 403, 404, 409 or 422 — and the
kind the policy's table says. Whatever a door says it did must really have happened, and
whatever it refused must have left no trace.

Pages answer a refusal with their error page (403, 404), bad input by showing the form
again with a note (409, 422) and success with a redirect or a page; the API with its JSON.
A page that answers "done" while flashing an error counts as a refusal it hid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from support import doors as door
from support.accounts import new_phone
from support.doors import Doors, shows
from support.points import give_points
from support.world import DOORS, ROLES, SPOTS, Spot, World
from werkzeug.test import TestResponse

from points import ledger
from points.db import write_transaction
from points.models import Checkin, Event, ListAppeal, Redemption, Reward, RuleVersion, User

# One character a spot, in SPOTS order: own grid, own village, other village, other town.
KINDS = {"+": "done", "3": "403", "4": "404", "9": "409", "2": "422"}
REFUSED_EVERYWHERE = "3333"
ADMIN_OVER_PEOPLE = {  # the village admin: village A; the town admin: town 1; the city: all
    "resident": REFUSED_EVERYWHERE,
    "staff": REFUSED_EVERYWHERE,
    "village_admin": "++33",
    "town_admin": "+++3",
    "city_admin": "++++",
}
RUNS_EVENTS = {**ADMIN_OVER_PEOPLE, "staff": "++33"}  # grid workers: their village's events


# --- what each action acts on at a spot (per door), and how to tell it happened -----------------
def person(world: World, spot: Spot, side: str) -> User:
    return spot.people[side]


def fresh_phone(world: World, spot: Spot, side: str) -> str:
    return new_phone()


def event_title(world: World, spot: Spot, side: str) -> str:
    return f"{spot.name} {side} 消防演练"


def open_event_and_person(world: World, spot: Spot, side: str) -> tuple[Event, User]:
    return world.event(spot), spot.people[side]


def reward_for(world: World, spot: Spot, side: str) -> Reward:
    return world.reward(spot, name=f"{side}大米")


def hidden_reward(world: World, spot: Spot, side: str) -> Reward:
    return world.reward(spot, active=False, name=f"{side}下架的油")


def pending(world: World, spot: Spot, side: str) -> Redemption:
    return world.pending_redemption(spot.people[side])


def approved(world: World, spot: Spot, side: str) -> Redemption:
    return world.approved_redemption(spot.people[side])


def rule_name(world: World, spot: Spot, side: str) -> str:
    return f"{spot.name}{side}补充条款"


def rule_published(d: Doors, name: str, response: TestResponse) -> bool:
    found = select(RuleVersion.id).where(RuleVersion.name_zh == name)
    return d.world.session.scalar(found) is not None


def registered(d: Doors, phone: str, response: TestResponse) -> bool:
    return d.world.session.scalar(select(User.id).where(User.phone == phone)) is not None


NEW_NAME = "改过名的村民"


def renamed(d: Doors, who: User, response: TestResponse) -> bool:
    d.world.session.refresh(who)
    return who.name == NEW_NAME


def suspended(d: Doors, who: User, response: TestResponse) -> bool:
    d.world.session.refresh(who)
    return not who.active


def event_made(d: Doors, title: str, response: TestResponse) -> bool:
    return d.world.session.scalar(select(Event.id).where(Event.title == title)) is not None


def checked_in(d: Doors, target: tuple[Event, User], response: TestResponse) -> bool:
    event, resident = target
    found = select(Checkin.id).where(
        Checkin.event_id == event.id, Checkin.resident_id == resident.id
    )
    return d.world.session.scalar(found) is not None


def requested(d: Doors, reward: Reward, response: TestResponse) -> bool:
    found = select(Redemption.id).where(
        Redemption.reward_id == reward.id, Redemption.resident_id == d.actor.id
    )
    return d.world.session.scalar(found) is not None


def status_is(status: str) -> Callable:
    def check(d: Doors, made: Redemption, response: TestResponse) -> bool:
        d.world.session.refresh(made)
        return made.status == status

    return check


def adjusted(d: Doors, who: User, response: TestResponse) -> bool:
    return ledger.resident_account(d.world.session, who.id).balance == 5


def shows_phone(d: Doors, who: User, response: TestResponse) -> bool:
    return shows(who.phone, response)


def shows_card(d: Doors, who: User, response: TestResponse) -> bool:
    return shows(who.name, response) or shows("<svg", response)


def shows_reward(d: Doors, reward: Reward, response: TestResponse) -> bool:
    return shows(reward.name, response)


def open_appeal(world: World, spot: Spot, side: str) -> ListAppeal:
    """A resident's open appeal against their leaderboard row (made in the scene's commit)."""
    who = spot.people[side]
    appeal = ListAppeal(
        list="board",
        entry=f"r{who.id}",
        subject_id=who.id,
        town_id=who.town_id,
        village_id=who.village_id,
        request="remove",
        reason="不愿公开",
        status="open",
    )
    world.session.add(appeal)
    world.session.flush()
    return appeal


def uphold_appeal_page(d: Doors, appeal: ListAppeal, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/appeals/{appeal.id}/uphold", data={"note": "核实"})


def uphold_appeal_api(d: Doors, appeal: ListAppeal, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/appeals/{appeal.id}/decision", json={"decision": "uphold"})


# --- the table ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    name: str
    page: Callable[[Doors, object, Spot], TestResponse]
    api: Callable[[Doors, object, Spot], TestResponse]
    expected: dict[str, str]  # role -> one KINDS character a spot
    target: Callable[[World, Spot, str], object] = person
    done: Callable[[Doors, object, TestResponse], bool] | None = None


def rename_page(d: Doors, who: User, spot: Spot) -> TestResponse:
    return door.edit_page(d, who, spot, name=NEW_NAME)


def rename_api(d: Doors, who: User, spot: Spot) -> TestResponse:
    return door.edit_api(d, who, spot, name=NEW_NAME)


ACTIONS = [
    Action(
        "register a person",
        door.register_page,
        door.register_api,
        ADMIN_OVER_PEOPLE,
        target=fresh_phone,
        done=registered,
    ),
    Action("edit a person", rename_page, rename_api, ADMIN_OVER_PEOPLE, done=renamed),
    Action(
        "suspend a person", door.suspend_page, door.suspend_api, ADMIN_OVER_PEOPLE, done=suspended
    ),
    Action(
        "create an event",
        door.create_event_page,
        door.create_event_api,
        ADMIN_OVER_PEOPLE,
        target=event_title,
        done=event_made,
    ),
    Action(
        "check in by card",
        door.card_checkin_page,
        door.card_checkin_api,
        RUNS_EVENTS,
        target=open_event_and_person,
        done=checked_in,
    ),
    Action(
        "check in by hand",
        door.manual_checkin_page,
        door.manual_checkin_api,
        RUNS_EVENTS,
        target=open_event_and_person,
        done=checked_in,
    ),
    Action(
        "request a redemption",
        door.request_page,
        door.request_api,
        {  # anyone with an account in village A, for village A's rewards
            "resident": "++33",
            "staff": "++33",
            "village_admin": "++33",
            "town_admin": REFUSED_EVERYWHERE,
            "city_admin": REFUSED_EVERYWHERE,
        },
        target=reward_for,
        done=requested,
    ),
    Action(
        "approve a redemption",
        door.approve_page,
        door.approve_api,
        ADMIN_OVER_PEOPLE,
        target=pending,
        done=status_is("approved"),
    ),
    Action(
        "reject a redemption",
        door.reject_page,
        door.reject_api,
        ADMIN_OVER_PEOPLE,
        target=pending,
        done=status_is("rejected"),
    ),
    Action(
        "fulfil a redemption",
        door.fulfil_page,
        door.fulfil_api,
        ADMIN_OVER_PEOPLE,
        target=approved,
        done=status_is("fulfilled"),
    ),
    Action(
        "publish a village's rule book additions",
        door.publish_rules_page,
        door.publish_rules_api,
        ADMIN_OVER_PEOPLE,
        target=rule_name,
        done=rule_published,
    ),
    Action("adjust points", door.adjust_page, door.adjust_api, ADMIN_OVER_PEOPLE, done=adjusted),
    Action(
        "import residents",
        door.import_page,
        door.import_api,
        {**ADMIN_OVER_PEOPLE, "village_admin": "++22", "town_admin": "+++2"},  # rows refused
        target=fresh_phone,
        done=registered,
    ),
    Action(
        "export a report", door.report_page, door.report_api, ADMIN_OVER_PEOPLE, done=shows_phone
    ),
    Action(
        "see a card",
        door.card_page,
        door.card_api,
        {**ADMIN_OVER_PEOPLE, "staff": "+333"},  # grid workers: their grids' people
        done=shows_card,
    ),
    Action(
        "see a hidden reward",
        door.reward_page,
        door.reward_api,
        {  # only those who manage it; for anyone else it does not exist
            "resident": "4444",
            "staff": "4444",
            "village_admin": "++44",
            "town_admin": "+++4",
            "city_admin": "++++",
        },
        target=hidden_reward,
        done=shows_reward,
    ),
    Action(
        "uphold an appeal against a public list entry",
        uphold_appeal_page,
        uphold_appeal_api,
        ADMIN_OVER_PEOPLE,
        target=open_appeal,
        done=status_is("upheld"),
    ),
]


@pytest.mark.parametrize(
    "role, expected",
    [
        ("resident", "done"),
        ("staff", "done"),
        ("village_admin", "done"),
        ("town_admin", "422"),  # no points account above the villages, so no card
        ("city_admin", "422"),
    ],
)
def test_my_own_card_is_answered_alike(app, world, role, expected):
    """Can I see my own card through both doors (and be told alike that I have none)?"""
    me = world.actors[role]
    d = Doors(app, world, me)
    page = d.page.get("/me/card")
    api = d.call("GET", f"/api/v1/residents/{me.id}/card.svg")
    assert (d.outcome("page", page), d.outcome("api", api)) == (expected, expected)
    if expected == "done":
        assert "<svg" in page.text and me.name in page.text and b"<svg" in api.data


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_page_and_api_answer_alike_at_every_spot(app, world, action, role):
    """Does each door do, or refuse in the same way, what the policy's table says?"""
    actor = world.actors[role]
    with write_transaction(world.session):  # the scene in one commit: cheap on PostgreSQL
        if actor.village_id is not None:
            give_points(world.session, actor, 100)  # enough to ask for a reward
        targets = {
            spot: {side: action.target(world, world.spots[spot], side) for side in DOORS}
            for spot in SPOTS
        }
    d = Doors(app, world, actor)
    seen, effects = {}, []
    for spot in SPOTS:
        answers = {
            "page": action.page(d, targets[spot]["page"], world.spots[spot]),
            "api": action.api(d, targets[spot]["api"], world.spots[spot]),
        }
        seen[spot] = {side: d.outcome(side, answers[side]) for side in DOORS}
        if action.done is not None:
            world.session.expire_all()
            for side in DOORS:
                happened = action.done(d, targets[spot][side], answers[side])
                effects.append((spot, side, seen[spot][side], happened))

    disagree = {spot: answers for spot, answers in seen.items() if len(set(answers.values())) > 1}
    assert not disagree, f"page and API disagree: {disagree}"
    wanted = {spot: KINDS[kind] for spot, kind in zip(SPOTS, action.expected[role], strict=True)}
    assert {spot: answers["page"] for spot, answers in seen.items()} == wanted
    lied = [effect for effect in effects if (effect[2] == "done") != effect[3]]
    assert not lied, (
        f"(spot, door, answer, happened) where the answer was not what happened: {lied}"
    )
