"""Who may do what to which place's things: the one place the scheme's permissions live.

Pure Python over plain values: an *actor* (anyone with `id`, `role`, `town_id`,
`village_id` and `grid_ids`, such as a User) and the *place* of the thing acted on (a
`Place`: its town, village and grid). Every use case asks here before it acts; pages and
the API never decide permissions themselves, so both doors always agree.

The tree is city → town → village → grid, and each role's scope is a node of it:

| role          | scope                    | may                                               |
|---------------|--------------------------|---------------------------------------------------|
| city_admin    | the whole city           | everything, in every town                         |
| town_admin    | their town               | everything in their town                          |
| village_admin | their village            | their village's people, events, shop, reports     |
| staff         | their grids; the events  | run events, check people in, see their grids'     |
|               | of their village         | people                                            |
| resident      | themself                 | their own points, card and redemptions            |

Each may register only roles below their own, inside their subtree; nobody adjusts their
own points or decides their own redemption.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, false, select, true

from points.errors import N_, Forbidden, OutsideVillage, SelfAdjustment
from points.models import Role, Town, Village

RANK = {
    Role.RESIDENT: 0,
    Role.STAFF: 1,
    Role.VILLAGE_ADMIN: 2,
    Role.TOWN_ADMIN: 3,
    Role.CITY_ADMIN: 4,
}
ADMINS = (Role.VILLAGE_ADMIN, Role.TOWN_ADMIN, Role.CITY_ADMIN)
STAFF_AND_UP = (Role.STAFF, *ADMINS)


class Actor(Protocol):
    id: int
    role: str
    town_id: int | None
    village_id: int | None

    @property
    def grid_ids(self) -> Collection[int]: ...


@dataclass(frozen=True)
class Place:
    """Where a thing belongs. A town-wide thing has no village; a city-wide one no town."""

    town_id: int | None = None
    village_id: int | None = None
    grid_id: int | None = None


class OutsideTown(Forbidden):
    code = "other_town"
    template = N_("这不是您所在镇的数据，无权查看或修改。")


class OutsideGrid(Forbidden):
    code = "other_grid"
    template = N_("这不是您负责网格的村民，无权查看或修改。")


class RoleTooHigh(Forbidden):
    code = "role_too_high"
    template = N_("您只能登记或管理比自己级别低的账号。")


class SelfApproval(Forbidden):
    code = "self_approval"
    template = N_("不能审核或核销自己的兑换申请，请另一位管理员处理。")


def allows(check, *args) -> bool:
    """Whether a policy check lets this through (for pages that show or hide a tool)."""
    try:
        check(*args)
    except Forbidden:
        return False
    return True


# --- the tree ---------------------------------------------------------------------------
def place_of(thing) -> Place:
    """The place of anything with town_id / village_id (/ grid_id) attributes."""
    return Place(
        getattr(thing, "town_id", None),
        getattr(thing, "village_id", None),
        getattr(thing, "grid_id", None),
    )


def scope_of(actor: Actor) -> Place:
    """The node of the tree an actor sees from: the city, a town or a village."""
    if actor.role == Role.CITY_ADMIN:
        return Place()
    if actor.role == Role.TOWN_ADMIN:
        return Place(actor.town_id)
    return Place(actor.town_id, actor.village_id)


def rank(role: str) -> int:
    return RANK[Role(role)]


def is_admin(actor: Actor | None) -> bool:
    return actor is not None and actor.role in ADMINS


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.role in STAFF_AND_UP


def covers(actor: Actor, place: Place) -> bool:
    """Is the place inside the actor's subtree? (Staff: inside one of their grids.)"""
    role = actor.role
    if role == Role.CITY_ADMIN:
        return True
    if role == Role.TOWN_ADMIN:
        return place.town_id is not None and place.town_id == actor.town_id
    if role == Role.VILLAGE_ADMIN:
        return place.village_id is not None and place.village_id == actor.village_id
    if role == Role.STAFF:
        return place.grid_id is not None and place.grid_id in actor.grid_ids
    return False


def _outside(actor: Actor, place: Place) -> Forbidden:
    """The refusal that says most exactly why the place is out of reach."""
    if actor.role == Role.TOWN_ADMIN or place.town_id != actor.town_id:
        return OutsideTown()
    if actor.role == Role.STAFF and place.village_id == actor.village_id:
        return OutsideGrid()
    return OutsideVillage()


def ensure_covers(actor: Actor, place: Place) -> None:
    if not covers(actor, place):
        raise _outside(actor, place)


def _ensure_admin_over(actor: Actor, place: Place) -> None:
    if not is_admin(actor):
        raise Forbidden()
    ensure_covers(actor, place)


def _ensure_village_scope(actor: Actor, place: Place) -> None:
    """Staff and up whose village is the place's (staff: their whole village), or above."""
    if not is_staff(actor):
        raise Forbidden()
    if actor.role == Role.STAFF:
        if place.village_id is None or place.village_id != actor.village_id:
            raise _outside(actor, place)
        return
    ensure_covers(actor, place)


# --- doors: who may come in at all --------------------------------------------------------
def ensure_admin(actor: Actor) -> None:
    """The back office's admin pages: village, town and city admins."""
    if not is_admin(actor):
        raise Forbidden()


def ensure_staff(actor: Actor) -> None:
    """The event pages and the dashboard: grid workers and admins."""
    if not is_staff(actor):
        raise Forbidden()


def ensure_city_admin(actor: Actor) -> None:
    if actor.role != Role.CITY_ADMIN:
        raise Forbidden()


def ensure_town_admin_or_up(actor: Actor) -> None:
    if actor.role not in (Role.TOWN_ADMIN, Role.CITY_ADMIN):
        raise Forbidden()


# --- places ------------------------------------------------------------------------------
def ensure_may_create_town(actor: Actor) -> None:
    if actor.role != Role.CITY_ADMIN:
        raise Forbidden()


def ensure_may_manage_town(actor: Actor, town: Place) -> None:
    """Rename a town, name its points: its town admin or the city."""
    if actor.role not in (Role.TOWN_ADMIN, Role.CITY_ADMIN):
        raise Forbidden()
    ensure_covers(actor, town)


def ensure_may_create_village(actor: Actor, town: Place) -> None:
    ensure_may_manage_town(actor, town)


def ensure_may_manage_grids(actor: Actor, village: Place) -> None:
    _ensure_admin_over(actor, village)


def ensure_may_see_grids(actor: Actor, village: Place) -> None:
    _ensure_village_scope(actor, village)


def ensure_may_change_settings(actor: Actor, place: Place) -> None:
    """City defaults: the city admin; a town's: its admins; a village's: its admins."""
    if place.town_id is None:
        if actor.role != Role.CITY_ADMIN:
            raise Forbidden()
        return
    if place.village_id is None and actor.role not in (Role.TOWN_ADMIN, Role.CITY_ADMIN):
        raise Forbidden()
    _ensure_admin_over(actor, place)


def ensure_may_change_calendar(actor: Actor, place: Place) -> None:
    """The holidays and make-up working days (节假日 · 调休): the city's, the city admin; a
    town's own days, its town admin or the city's. Villages follow their town's."""
    if place.village_id is not None:
        raise Forbidden()
    ensure_may_change_settings(actor, place)


# --- the rule book (积分细则) and its budget ------------------------------------------------
def ensure_may_publish_rules(actor: Actor, book: Place) -> None:
    """A town's book: its town admin or the city; a village's additions: its admins too."""
    if book.town_id is None:
        raise Forbidden()
    ensure_may_change_settings(actor, book)


def ensure_may_see_budget(actor: Actor, place: Place) -> None:
    """A village's or a town's points budget: admins over it."""
    _ensure_admin_over(actor, place)


# --- people ------------------------------------------------------------------------------
def ensure_may_see_person(actor: Actor, person) -> None:
    """Themself; staff the people of their grids; admins the people of their subtree."""
    if actor.id == person.id:
        return
    if not is_staff(actor):
        raise Forbidden()
    ensure_covers(actor, place_of(person))


def ensure_may_register(actor: Actor, place: Place, role: str) -> None:
    """Register a person of `role` at `place`: admins, for roles below their own."""
    if not is_admin(actor):
        raise Forbidden()
    if rank(role) >= rank(actor.role):
        raise RoleTooHigh()
    ensure_covers(actor, place)


def ensure_may_manage_person(actor: Actor, person) -> None:
    """Edit, suspend, reissue a card or set a password: admins over people below them."""
    if not is_admin(actor):
        raise Forbidden()
    ensure_covers(actor, place_of(person))
    if rank(person.role) >= rank(actor.role):
        raise RoleTooHigh()


def ensure_may_set_password(actor: Actor, person) -> None:
    """Set or reset someone's password (a resident without a smartphone, a forgotten one):
    the admins who manage the person — never their own here (that is the account page's)."""
    if actor.id == person.id:
        raise Forbidden()
    ensure_may_manage_person(actor, person)


def ensure_may_act_for(actor: Actor, person) -> None:
    """代办: grid workers (for their village, as at check-ins) and admins (their subtree) act
    for a resident who is present — never for themselves or for another official."""
    if actor.id == person.id or not is_staff(actor) or person.role != Role.RESIDENT:
        raise Forbidden()
    _ensure_village_scope(actor, place_of(person))  # grid workers: their whole village


def ensure_may_see_card(actor: Actor, person) -> None:
    """A resident's own QR card, or anyone who may see the person."""
    ensure_may_see_person(actor, person)


def ensure_may_import(actor: Actor, village: Place) -> None:
    _ensure_admin_over(actor, village)


def ensure_may_adjust(actor: Actor, person) -> None:
    """Award or deduct points (and reverse a check-in): admins over the person, never self."""
    if actor.id == person.id:
        raise SelfAdjustment()
    _ensure_admin_over(actor, place_of(person))


# --- events and check-ins -----------------------------------------------------------------
def ensure_may_manage_events(actor: Actor, event: Place) -> None:
    """Create, edit, publish, close or cancel: admins over the event's village (town-wide
    events: the town's admins and up)."""
    _ensure_admin_over(actor, event)


def ensure_may_run_event(actor: Actor, event: Place) -> None:
    """Show its codes, scan cards, check people in: staff and up of the event's village, or
    of any village of its town for a town-wide event; admins above."""
    if not is_staff(actor):
        raise Forbidden()
    if actor.role in (Role.STAFF, Role.VILLAGE_ADMIN):
        if event.village_id is None:
            if event.town_id != actor.town_id:
                raise OutsideTown()
            return
        if event.village_id != actor.village_id:
            raise _outside(actor, event)
        return
    ensure_covers(actor, event)


def ensure_may_check_in(actor: Actor, event: Place, person) -> None:
    """Check a person in at an event: who runs the event, for people of their village
    (staff and village admins) or of their subtree (town and city admins)."""
    ensure_may_run_event(actor, event)
    if actor.role in (Role.STAFF, Role.VILLAGE_ADMIN):
        if person.village_id != actor.village_id:
            raise _outside(actor, place_of(person))
        return
    ensure_covers(actor, place_of(person))


def people_to_check_in(actor: Actor, *, village: ColumnElement, town: ColumnElement):
    """`ensure_may_check_in` as a WHERE clause over people (for the manual check-in list)."""
    if actor.role in (Role.STAFF, Role.VILLAGE_ADMIN):
        return village == actor.village_id
    return within(actor, village=village, town=town)


def may_see_unpublished_events(actor: Actor | None) -> bool:
    return is_staff(actor)


# --- the points supermarket --------------------------------------------------------------
def ensure_may_manage_catalogue(actor: Actor, reward: Place) -> None:
    """Add, edit, restock: admins over the reward's village (town-wide: the town's)."""
    _ensure_admin_over(actor, reward)


def may_see_hidden_reward(actor: Actor | None, reward: Place) -> bool:
    """A reward taken off the shelf is seen by whoever manages it, no one else."""
    return is_admin(actor) and covers(actor, reward)


def ensure_may_see_redemption(actor: Actor, place: Place, resident_id: int) -> None:
    """Its resident, or the admins over its village."""
    if actor.id == resident_id:
        return
    _ensure_admin_over(actor, place)


def ensure_may_decide_redemption(actor: Actor, place: Place, resident_id: int) -> None:
    """Approve, reject or hand over: admins over its village, never for themselves."""
    _ensure_admin_over(actor, place)
    if actor.id == resident_id:
        raise SelfApproval()


def ensure_may_cancel_redemption(actor: Actor, resident_id: int) -> None:
    if actor.id != resident_id:
        raise Forbidden(N_("只能取消自己的兑换申请。"))


# --- reports, dashboards, the audit log, the ledger ---------------------------------------
def ensure_may_see_reports(actor: Actor, place: Place) -> None:
    """Exports, the audit log and adjustments' history of a place in the admin's subtree."""
    _ensure_admin_over(actor, place)


def ensure_may_handle_statements(actor: Actor, household: Place) -> None:
    """积分贷: record a household's consent and issue its statement — admins over its village."""
    _ensure_admin_over(actor, household)


def ensure_may_see_household(actor: Actor, household: Place, household_id: int) -> None:
    """A household's page: its own members, and the admins over its village."""
    if getattr(actor, "household_id", None) == household_id:
        return
    _ensure_admin_over(actor, household)


def ensure_may_see_dashboard(actor: Actor, place: Place) -> None:
    """The numbers of a place: admins over it; grid workers their village's."""
    _ensure_village_scope(actor, place)


def ensure_may_compare_towns(actor: Actor) -> None:
    """The towns' figures side by side (the city's roll-up): the city admin."""
    ensure_city_admin(actor)


# --- listings -----------------------------------------------------------------------------
def within(
    actor: Actor | None,
    *,
    village: ColumnElement,
    town: ColumnElement | None = None,
    grid: ColumnElement | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause narrowing a listing to the actor's subtree.

    Give the listing's village column, and its town and grid columns where it has them (a
    town-wide row has no village: without `town` it is left out for a town admin). Staff
    see their grids' rows where `grid` is given, else their village's.
    """
    if actor is None or not is_staff(actor):
        return false()
    if actor.role == Role.CITY_ADMIN:
        return true()
    if actor.role == Role.TOWN_ADMIN:
        if town is not None:
            return town == actor.town_id
        return village.in_(select(Village.id).where(Village.town_id == actor.town_id))
    if actor.role == Role.STAFF and grid is not None:
        return grid.in_(sorted(actor.grid_ids)) if actor.grid_ids else false()
    return village == actor.village_id


def towns_within(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause over the towns table: the towns an actor's scope holds."""
    if actor.role == Role.CITY_ADMIN:
        return true()
    if actor.role == Role.TOWN_ADMIN:
        return Town.id == actor.town_id
    return false()


def villages_within(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause over the villages table: the villages an actor's scope holds."""
    if actor.role == Role.CITY_ADMIN:
        return true()
    if actor.role == Role.TOWN_ADMIN:
        return Village.town_id == actor.town_id
    return Village.id == actor.village_id


# --- claims and public notice (公示) -------------------------------------------------------
class SelfDecision(Forbidden):
    code = "self_approval"
    template = N_("不能审核自己的申报，请另一位网格员或管理员处理。")


class OwnProxyClaim(Forbidden):
    code = "own_proxy_claim"
    template = N_("这条申报是您代办的，请另一位网格员或管理员审核。")


class NotANeighbour(Forbidden):
    code = "other_village"
    template = N_("只有本村村民可以对本村的公示提出异议。")


class OwnPosting(Forbidden):
    code = "own_posting"
    template = N_("不能对自己的公示提出异议。")


def ensure_may_claim(actor: Actor) -> None:
    """Claim points for a rule item done without a QR code: anyone living in a village."""
    if actor.village_id is None:
        raise Forbidden(N_("只有登记在村里的人才能申报积分。"))


def filed_it(actor: Actor, filed_by: int | None) -> bool:
    """Whether the actor filed this claim for its resident under 代办 (so may not decide it)."""
    return filed_by is not None and actor.id == filed_by


def ensure_may_decide_claim(
    actor: Actor,
    place: Place,
    claimant_id: int,
    confirm_by: str = "staff",
    *,
    filed_by: int | None = None,
) -> None:
    """Approve or reject a claim: the grid worker of the claimant's grid (when the rule lets
    grid workers confirm) or an admin over the village; never one's own claim, nor one the
    actor filed for its resident under 代办 (a second pair of eyes, as for one's own)."""
    if actor.id == claimant_id:
        raise SelfDecision()
    if filed_it(actor, filed_by):
        raise OwnProxyClaim()
    if actor.role == Role.STAFF and confirm_by == "staff":
        ensure_covers(actor, place)
        return
    _ensure_admin_over(actor, place)


def ensure_may_see_claims(actor: Actor, place: Place) -> None:
    """The claims queue of a village: its grid workers (their grids') and admins over it."""
    _ensure_village_scope(actor, place)


def ensure_may_object(actor: Actor, place: Place, claimant_id: int) -> None:
    """Object to a posting: any resident of its village but the claimant."""
    if actor.village_id is None or actor.village_id != place.village_id:
        raise NotANeighbour()
    if actor.id == claimant_id:
        raise OwnPosting()


def ensure_may_decide_objection(actor: Actor, place: Place) -> None:
    """Uphold or dismiss an objection: admins over the posting's village."""
    _ensure_admin_over(actor, place)


# --- hazard reports (隐患随手拍) and disputes (矛盾纠纷) -----------------------------------------
class OwnReport(Forbidden):
    code = "self_approval"
    template = N_("不能处理自己报告的隐患，请另一位网格员或管理员处理。")


class NotTheReporter(Forbidden):
    code = "not_reporter"
    template = N_("只有报告人可以评价这条隐患的处理。")


def _ensure_grid_scope(actor: Actor, place: Place) -> None:
    """Grid workers: a case of one of their grids (a case with no grid: of their village);
    admins: a case of their subtree."""
    if not is_staff(actor):
        raise Forbidden()
    if actor.role == Role.STAFF and place.grid_id is None:
        if place.village_id is None or place.village_id != actor.village_id:
            raise _outside(actor, place)
        return
    ensure_covers(actor, place)


def ensure_may_report_hazard(actor: Actor) -> None:
    """Report a hazard (随手拍): anyone registered in a village — residents, grid workers,
    village admins."""
    if actor.village_id is None:
        raise Forbidden(N_("只有登记在村里的人才能报告隐患。"))


def ensure_may_handle_hazard(actor: Actor, place: Place, reporter_id: int) -> None:
    """Verify, reject, mark duplicate, assign or close a hazard report: the grid worker of its
    grid or an admin over its village — never for a report of their own."""
    _ensure_grid_scope(actor, place)
    if actor.id == reporter_id:
        raise OwnReport()


def ensure_may_fix_hazard(
    actor: Actor, place: Place, reporter_id: int, assignee_id: int | None
) -> None:
    """Record a hazard fixed (with the fix's photo): the grid worker it was assigned to, or
    whoever may handle it."""
    if assignee_id is not None and actor.id == assignee_id:
        return
    ensure_may_handle_hazard(actor, place, reporter_id)


def ensure_may_rate_hazard(actor: Actor, reporter_id: int) -> None:
    """Rate the fix (1–5 stars, a comment): the reporter alone."""
    if actor.id != reporter_id:
        raise NotTheReporter()


def ensure_may_see_case(actor: Actor, place: Place, reporter_id: int, kind: str) -> None:
    """A hazard report: its reporter, and staff and admins over it. A dispute (its parties'
    names and phones): staff and admins over it only."""
    if kind != "dispute" and actor.id == reporter_id:
        return
    _ensure_grid_scope(actor, place)


def ensure_may_record_dispute(actor: Actor, place: Place) -> None:
    """Record a dispute found in the grid: its grid worker or an admin over the village."""
    _ensure_grid_scope(actor, place)


def ensure_may_handle_dispute(actor: Actor, place: Place) -> None:
    """Start mediation, pick mediators, record the outcome and the follow-up visit."""
    _ensure_grid_scope(actor, place)


def ensure_may_see_overdue(actor: Actor, place: Place) -> None:
    """The overdue list and the cases export: admins over the place."""
    _ensure_admin_over(actor, place)


# --- home visits (平安家访 · 民情日记) ------------------------------------------------------
class OwnHousehold(Forbidden):
    code = "own_household"
    template = N_("不能给自己家记家访，请另一位网格员走访。")


def ensure_may_visit(actor: Actor, household: Place, household_id: int | None = None) -> None:
    """Record a home visit to a household: the grid workers of its grid, and the admins over
    its village (village cadres visit too) — never to their own household."""
    if household_id is not None and getattr(actor, "household_id", None) == household_id:
        raise OwnHousehold()
    if actor.role == Role.STAFF:
        ensure_covers(actor, household)
        return
    _ensure_admin_over(actor, household)


def ensure_may_see_visits(actor: Actor, place: Place) -> None:
    """A grid's households with their last visits, and its door codes to print: the grid's
    workers and the admins over its village. Never one worker's figures beside another's."""
    ensure_may_visit(actor, place)


# --- the scheme's year: households' own items, public lists and appeals, year-end report ---
class NotNamedInEntry(Forbidden):
    code = "not_named"
    template = N_("只有名单上的本人可以申请更正或撤下这一条。")


def ensure_may_award_household(actor: Actor, household: Place) -> None:
    """A household item of the rule book (文明家庭 …): the admins over the household's village."""
    _ensure_admin_over(actor, household)


def ensure_may_appeal_entry(actor: Actor, subject_id: int) -> None:
    """A public list's entry: only the resident it names may ask for correction or removal."""
    if getattr(actor, "id", None) != subject_id:
        raise NotNamedInEntry()


def ensure_may_decide_appeal(actor: Actor, entry: Place) -> None:
    """Upholding or dismissing an appeal: the admins over the entry's village."""
    _ensure_admin_over(actor, entry)


def ensure_may_see_year_report(actor: Actor, place: Place) -> None:
    """The committee's year-end report of a village, a town or the city: admins over it."""
    _ensure_admin_over(actor, place)
