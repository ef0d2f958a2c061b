"""The doors-agree table (test_doors_agree) for the decisions and field work of the later
issues: claims and objections, passwords, lockouts, home visits, household items. Each row
runs every role at every spot through the page and through the API, as the first table does.

One door only (so no row here): recording a household's consent to the bank (积分贷) is a
page (`POST /admin/households/<id>/consent`) with no API operation, and 代办 (acting for a
resident who is present, `/act/`) is a page session with no API counterpart.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from parity.test_doors_agree import ADMIN_OVER_PEOPLE, KINDS, REFUSED_EVERYWHERE, Action
from sqlalchemy import select
from support.doors import Doors
from support.world import DOORS, ROLES, SPOTS, Spot, World
from werkzeug.test import TestResponse

from points import rules
from points.cases import claims, publicity
from points.db import write_transaction
from points.models import (
    AttemptCounter,
    Case,
    HomeVisit,
    HouseholdItem,
    Objection,
    User,
    utcnow,
)
from points.people import household as find_household
from points.people.attempts import login_key

OWN_GRID_STAFF = {**ADMIN_OVER_PEOPLE, "staff": "+333"}  # grid workers: their grid's


# --- what each row acts on ---------------------------------------------------------------------
def submitted_claim(world: World, spot: Spot, side: str) -> Case:
    return claims.submit(
        world.session, claimant=spot.people[side], rule_code="patrol", title=f"{side}巡夜"
    )


def _village_book(world: World, spot: Spot) -> None:
    """The spot's village's additions, once: an award held on notice, a household item."""
    key = ("village book", spot.village.id)
    if key not in world._made:
        day = rules.today()
        rules.publish(
            world.session,
            None,
            village_id=spot.village.id,
            adoption=rules.Adoption(effective_from=day, adopted_on=day, body="村民代表大会"),
            items=[
                {"code": "rescue", "name": "抢险救灾", "points": 20, "publicity_days": 3},
                {"code": "yard", "name": "庭院整洁", "points": 5, "subject": "household"},
            ],
        )
        world._made[key] = True


def open_objection(world: World, spot: Spot, side: str) -> Objection:
    """A claim of the side's resident on notice, objected to by the other door's resident."""
    _village_book(world, spot)
    claimant = spot.people[side]
    neighbour = spot.people["api" if side == "page" else "page"]
    case = claims.submit(world.session, claimant=claimant, rule_code="rescue", title="抢险")
    posting = claims.approve(world.session, actor=world.maker, case_id=case.id).posting
    return publicity.object_to(
        world.session, actor=neighbour, posting_id=posting.id, reason="那天没有抢险"
    )


def locked_person(world: World, spot: Spot, side: str) -> User:
    person = spot.people[side]
    now = utcnow()
    world.session.add(
        AttemptCounter(
            key=login_key(person.id),
            failures=5,
            window_started_at=now,
            locked_until=now + timedelta(minutes=15),
        )
    )
    world.session.flush()
    return person


def household_member(world: World, spot: Spot, side: str) -> User:
    """The side's resident, in a household of the spot's grid."""
    person = spot.people[side]
    home = find_household(
        world.session,
        spot.village.id,
        f"{spot.name}-{side}",
        spot.grid.id if spot.grid else None,
    )
    world.session.flush()
    person.household_id = home.id
    world.session.flush()
    return person


def household_under_the_book(world: World, spot: Spot, side: str) -> User:
    """A member of the side's household, in a village whose book has a household item."""
    _village_book(world, spot)
    return household_member(world, spot, side)


# --- the doors ---------------------------------------------------------------------------------
def approve_claim_page(d: Doors, case: Case, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/claims/{case.id}/approve")


def approve_claim_api(d: Doors, case: Case, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/claims/{case.id}/approve", json={})


def reject_claim_page(d: Doors, case: Case, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/claims/{case.id}/reject", data={"reason": "没有巡夜记录"})


def reject_claim_api(d: Doors, case: Case, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/claims/{case.id}/reject", json={"reason": "没有巡夜记录"})


def objection_page(action: str):
    def door(d: Doors, objection: Objection, spot: Spot) -> TestResponse:
        return d.page.post(f"/admin/objections/{objection.id}/{action}", data={"reason": "已核实"})

    return door


def objection_api(action: str):
    def door(d: Doors, objection: Objection, spot: Spot) -> TestResponse:
        return d.call(
            "POST", f"/api/v1/objections/{objection.id}/{action}", json={"reason": "已核实"}
        )

    return door


def password_page(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/residents/{who.id}/password", data={"password": ""})


def password_api(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/residents/{who.id}/password", json={})


def unlock_page(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/residents/{who.id}/unlock")


def unlock_api(d: Doors, who: User, spot: Spot) -> TestResponse:
    return d.call("DELETE", f"/api/v1/people/{who.id}/lockout")


VISIT = {"note": "入户走访，查看燃气安全", "follow_up": ""}


def visit_page(d: Doors, member: User, spot: Spot) -> TestResponse:
    return d.page.post(
        f"/visits/households/{member.household_id}",
        data={**VISIT, "in_person": "1", "member_id": member.id},
    )


def visit_api(d: Doors, member: User, spot: Spot) -> TestResponse:
    body = {
        **VISIT,
        "household_id": member.household_id,
        "confirmation": "in_person",
        "member_id": member.id,
    }
    return d.call("POST", "/api/v1/visits", json=body)


ITEM = {"rule_code": "yard", "memo": "庭院整洁"}


def household_item_page(d: Doors, member: User, spot: Spot) -> TestResponse:
    return d.page.post(f"/admin/households/{member.household_id}/items", data=ITEM)


def household_item_api(d: Doors, member: User, spot: Spot) -> TestResponse:
    return d.call("POST", f"/api/v1/households/{member.household_id}/items", json=ITEM)


# --- what happened -----------------------------------------------------------------------------
def case_is(status: str):
    def check(d: Doors, case: Case, response: TestResponse) -> bool:
        d.world.session.refresh(case)
        return case.status == status

    return check


def objection_is(status: str):
    def check(d: Doors, objection: Objection, response: TestResponse) -> bool:
        d.world.session.refresh(objection)
        return objection.status == status

    return check


def password_changed(d: Doors, who: User, response: TestResponse) -> bool:
    d.world.session.refresh(who)
    return who.token_version > 1


def unlocked(d: Doors, who: User, response: TestResponse) -> bool:
    return d.world.session.get(AttemptCounter, login_key(who.id)) is None


def visited(d: Doors, member: User, response: TestResponse) -> bool:
    found = select(HomeVisit.id).where(HomeVisit.household_id == member.household_id)
    return d.world.session.scalar(found) is not None


def household_item_recorded(d: Doors, member: User, response: TestResponse) -> bool:
    found = select(HouseholdItem.points).where(HouseholdItem.household_id == member.household_id)
    return d.world.session.scalar(found) == 5


ROWS = [
    Action(
        "approve a claim",
        approve_claim_page,
        approve_claim_api,
        OWN_GRID_STAFF,  # the rule's confirm_by is staff
        target=submitted_claim,
        done=case_is("approved"),
    ),
    Action(
        "reject a claim",
        reject_claim_page,
        reject_claim_api,
        OWN_GRID_STAFF,
        target=submitted_claim,
        done=case_is("rejected"),
    ),
    Action(
        "uphold an objection",
        objection_page("uphold"),
        objection_api("uphold"),
        ADMIN_OVER_PEOPLE,
        target=open_objection,
        done=objection_is("upheld"),
    ),
    Action(
        "dismiss an objection",
        objection_page("dismiss"),
        objection_api("dismiss"),
        ADMIN_OVER_PEOPLE,
        target=open_objection,
        done=objection_is("dismissed"),
    ),
    Action(
        "set or reset a password",
        password_page,
        password_api,
        ADMIN_OVER_PEOPLE,
        done=password_changed,
    ),
    Action(
        "lift a login lockout",
        unlock_page,
        unlock_api,
        ADMIN_OVER_PEOPLE,
        target=locked_person,
        done=unlocked,
    ),
    Action(
        "record a home visit",
        visit_page,
        visit_api,
        {**OWN_GRID_STAFF, "resident": REFUSED_EVERYWHERE},
        target=household_member,
        done=visited,
    ),
    Action(
        "record a household item",
        household_item_page,
        household_item_api,
        ADMIN_OVER_PEOPLE,  # the admins over the household's village
        target=household_under_the_book,
        done=household_item_recorded,
    ),
]


def _row(d: Doors, world: World, action: Action, role: str) -> list[str]:
    """One row for one role, as test_doors_agree runs it; what went wrong, if anything."""
    with write_transaction(world.session):  # the scene in one commit
        targets = {
            spot: {side: action.target(world, world.spots[spot], side) for side in DOORS}
            for spot in SPOTS
        }
    seen, lied = {}, []
    for spot in SPOTS:
        answers = {
            "page": action.page(d, targets[spot]["page"], world.spots[spot]),
            "api": action.api(d, targets[spot]["api"], world.spots[spot]),
        }
        seen[spot] = {side: d.outcome(side, answers[side]) for side in DOORS}
        world.session.expire_all()
        for side in DOORS:
            happened = action.done(d, targets[spot][side], answers[side])
            if (seen[spot][side] == "done") != happened:
                lied.append((spot, side, seen[spot][side], happened))
    problems = []
    disagree = {spot: answers for spot, answers in seen.items() if len(set(answers.values())) > 1}
    if disagree:
        problems.append(f"{action.name}: page and API disagree: {disagree}")
    wanted = {spot: KINDS[kind] for spot, kind in zip(SPOTS, action.expected[role], strict=True)}
    got = {spot: answers["page"] for spot, answers in seen.items()}
    if got != wanted:
        problems.append(f"{action.name}: {got} instead of {wanted}")
    if lied:
        problems.append(f"{action.name}: (spot, door, answer, happened) untrue: {lied}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_page_and_api_answer_alike_for_decisions_and_field_work(app, world, role):
    """Does each door do, or refuse in the same way, what the policy's table says? (Every
    row in one world per role: the rows act on things of their own.)"""
    d = Doors(app, world, world.actors[role])
    problems = [problem for action in ROWS for problem in _row(d, world, action, role)]
    assert not problems, "\n".join(problems)
