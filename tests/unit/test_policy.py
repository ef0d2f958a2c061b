"""Who may do what to which place's things? Every policy check over every role × place.

The small world: town 1 holds village 10 (grids 101, 102) and village 20 (grid 201); town 2
holds village 30 (grid 301). The village admin, grid worker and resident all live in
village 10; the grid worker serves grid 101. Each table row is a role, each column a place
(in the order of PLACES), each cell "ok" or the reason code of the refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from points import policy
from points.errors import DomainError
from points.models import Village
from points.policy import Place

TOWN, OTHER_TOWN = 1, 2
VILLAGE, NEIGHBOUR, FAR = 10, 20, 30
GRID, OTHER_GRID, NEIGHBOUR_GRID, FAR_GRID = 101, 102, 201, 301


@dataclass(frozen=True)
class Actor:
    id: int
    role: str
    town_id: int | None = None
    village_id: int | None = None
    grid_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Person:
    """Someone acted on: a resident of a grid, or an admin of a town or of the city."""

    id: int
    role: str
    town_id: int | None = None
    village_id: int | None = None
    grid_id: int | None = None


ACTORS = {
    "city_admin": Actor(1, "city_admin"),
    "town_admin": Actor(2, "town_admin", TOWN),
    "village_admin": Actor(3, "village_admin", TOWN, VILLAGE),
    "staff": Actor(4, "staff", TOWN, VILLAGE, (GRID,)),
    "resident": Actor(5, "resident", TOWN, VILLAGE),
}
ROLES = tuple(ACTORS)

PLACES = {
    "own grid": Place(TOWN, VILLAGE, GRID),
    "own village, other grid": Place(TOWN, VILLAGE, OTHER_GRID),
    "other village, same town": Place(TOWN, NEIGHBOUR, NEIGHBOUR_GRID),
    "other town": Place(OTHER_TOWN, FAR, FAR_GRID),
    "town-wide": Place(TOWN),
    "city-wide": Place(),
}
# Who lives at each place: residents in the grids, a town admin town-wide, a city admin.
PEOPLE = {
    "own grid": Person(11, "resident", TOWN, VILLAGE, GRID),
    "own village, other grid": Person(12, "resident", TOWN, VILLAGE, OTHER_GRID),
    "other village, same town": Person(13, "resident", TOWN, NEIGHBOUR, NEIGHBOUR_GRID),
    "other town": Person(14, "resident", OTHER_TOWN, FAR, FAR_GRID),
    "town-wide": Person(15, "town_admin", TOWN),
    "city-wide": Person(16, "city_admin"),
}
SOMEONE_ELSE = 99

ok, F, T, V, G = "ok", "forbidden", "other_town", "other_village", "other_grid"
R, SELF_ADJ, SELF_APP = "role_too_high", "self_adjustment", "self_approval"


def outcome(check, *args) -> str:
    """'ok', or the reason code the check refuses with."""
    try:
        check(*args)
    except DomainError as refusal:
        return refusal.code
    return ok


def rows(table: dict, columns) -> list:
    """One pytest case per role: its row of the table as {column: expected}. Comparing whole
    rows, a failure names the place (column) where the answer differs."""
    assert set(table) == set(ROLES), "every role has a row"
    return [
        pytest.param(role, dict(zip(columns, row, strict=True)), id=role)
        for role, row in table.items()
    ]


def each(things: dict, answer) -> dict:
    """{name: answer(thing)} for every named place or person."""
    return {name: answer(thing) for name, thing in things.items()}


def by_role(*row) -> dict:
    return dict(zip(ROLES, row, strict=True))


#                              own grid  other grid  other village  other town  town-wide  city-wide
ADMIN_OVER = {
    "city_admin":    (ok, ok, ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T, ok, T),
    "village_admin": (ok, ok, V, T, V, T),
    "staff":         (F, F, F, F, F, F),
    "resident":      (F, F, F, F, F, F),
}  # fmt: skip


# --- the tree ---------------------------------------------------------------------------
COVERS = {
    "city_admin":    (True, True, True, True, True, True),
    "town_admin":    (True, True, True, False, True, False),
    "village_admin": (True, True, False, False, False, False),
    "staff":         (True, False, False, False, False, False),
    "resident":      (False, False, False, False, False, False),
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), rows(COVERS, PLACES))
def test_each_role_covers_its_own_subtree_and_staff_only_their_grids(role, expected):
    assert each(PLACES, lambda place: policy.covers(ACTORS[role], place)) == expected


# A resident covers nothing: every place is outside, named as precisely as the tree allows.
ENSURE_COVERS = {
    "city_admin":    (ok, ok, ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T, ok, T),
    "village_admin": (ok, ok, V, T, V, T),
    "staff":         (ok, G, V, T, V, T),
    "resident":      (V, V, V, T, V, T),
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), rows(ENSURE_COVERS, PLACES))
def test_a_place_outside_the_subtree_is_refused_naming_the_nearest_boundary(role, expected):
    assert (
        each(PLACES, lambda place: outcome(policy.ensure_covers, ACTORS[role], place)) == expected
    )


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("city_admin", Place()),
        ("town_admin", Place(TOWN)),
        ("village_admin", Place(TOWN, VILLAGE)),
        ("staff", Place(TOWN, VILLAGE)),
        ("resident", Place(TOWN, VILLAGE)),
    ],
)
def test_an_actor_sees_from_the_city_their_town_or_their_village(role, scope):
    assert policy.scope_of(ACTORS[role]) == scope


def test_ranks_rise_from_resident_to_city_admin():
    assert [policy.rank(role) for role in reversed(ROLES)] == [0, 1, 2, 3, 4]


def test_an_unknown_role_has_no_rank():
    with pytest.raises(ValueError):
        policy.rank("mayor")


def test_the_place_of_a_thing_is_read_from_its_ids_and_missing_ones_are_none():
    assert policy.place_of(PEOPLE["own grid"]) == Place(TOWN, VILLAGE, GRID)
    assert policy.place_of(Actor(7, "staff", TOWN, VILLAGE)) == Place(TOWN, VILLAGE, None)
    assert policy.place_of(object()) == Place()


@pytest.mark.parametrize("role", ROLES)
def test_allows_answers_whether_a_check_lets_an_actor_through(role):
    expected = role not in ("staff", "resident")
    assert policy.allows(policy.ensure_admin, ACTORS[role]) is expected


def test_allows_lets_a_refusal_other_than_forbidden_through():
    def not_a_permission(_actor):
        raise DomainError()

    with pytest.raises(DomainError):
        policy.allows(not_a_permission, ACTORS["city_admin"])


# --- doors: who may come in at all ------------------------------------------------------
DOORS = [
    (policy.ensure_admin, by_role(ok, ok, ok, F, F)),
    (policy.ensure_staff, by_role(ok, ok, ok, ok, F)),
    (policy.ensure_city_admin, by_role(ok, F, F, F, F)),
    (policy.ensure_town_admin_or_up, by_role(ok, ok, F, F, F)),
    (policy.ensure_may_create_town, by_role(ok, F, F, F, F)),
]


@pytest.mark.parametrize(
    ("check", "role", "expected"),
    [
        pytest.param(check, role, expected, id=f"{check.__name__} / {role}")
        for check, table in DOORS
        for role, expected in table.items()
    ],
)
def test_each_door_lets_in_only_the_roles_it_names(check, role, expected):
    assert outcome(check, ACTORS[role]) == expected


QUESTIONS = [
    (policy.is_admin, by_role(True, True, True, False, False)),
    (policy.is_staff, by_role(True, True, True, True, False)),
    (policy.may_see_unpublished_events, by_role(True, True, True, True, False)),
]


@pytest.mark.parametrize(
    ("question", "role", "expected"),
    [
        pytest.param(question, role, expected, id=f"{question.__name__} / {role}")
        for question, table in QUESTIONS
        for role, expected in table.items()
    ],
)
def test_role_questions_answer_by_role(question, role, expected):
    assert question(ACTORS[role]) is expected


@pytest.mark.parametrize("question", [q for q, _ in QUESTIONS], ids=lambda q: q.__name__)
def test_nobody_logged_in_is_neither_admin_nor_staff(question):
    assert question(None) is False


# --- places and settings ----------------------------------------------------------------
MANAGE_TOWN = {
    "city_admin":    (ok, ok, ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T, ok, T),
    "village_admin": (F, F, F, F, F, F),
    "staff":         (F, F, F, F, F, F),
    "resident":      (F, F, F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize("check", [policy.ensure_may_manage_town, policy.ensure_may_create_village])
@pytest.mark.parametrize(("role", "expected"), rows(MANAGE_TOWN, PLACES))
def test_a_town_is_run_by_its_town_admin_and_the_city(check, role, expected):
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place)) == expected


ADMIN_OVER_CHECKS = [
    policy.ensure_may_manage_grids,
    policy.ensure_may_import,
    policy.ensure_may_manage_events,
    policy.ensure_may_manage_catalogue,
    policy.ensure_may_see_reports,
]


@pytest.mark.parametrize("check", ADMIN_OVER_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(("role", "expected"), rows(ADMIN_OVER, PLACES))
def test_only_admins_over_a_place_manage_its_grids_events_catalogue_imports_and_reports(
    check, role, expected
):
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place)) == expected


VILLAGE_SCOPE = {
    **ADMIN_OVER,
    "staff":         (ok, ok, V, T, V, T),
}  # fmt: skip


@pytest.mark.parametrize(
    "check",
    [policy.ensure_may_see_grids, policy.ensure_may_see_dashboard],
    ids=lambda c: c.__name__,
)
@pytest.mark.parametrize(("role", "expected"), rows(VILLAGE_SCOPE, PLACES))
def test_grid_workers_see_their_whole_villages_grids_and_numbers(check, role, expected):
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place)) == expected


# City defaults: the city admin only; a town's: its admins; a village's: its admins.
CHANGE_SETTINGS = {
    "city_admin":    (ok, ok, ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T, ok, F),
    "village_admin": (ok, ok, V, T, F, F),
    "staff":         (F, F, F, F, F, F),
    "resident":      (F, F, F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), rows(CHANGE_SETTINGS, PLACES))
def test_settings_are_changed_at_a_place_by_its_own_admins_and_those_above(role, expected):
    check = policy.ensure_may_change_settings
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place)) == expected


# --- people -----------------------------------------------------------------------------
SEE_PERSON = {
    "city_admin":    (ok, ok, ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T, ok, T),
    "village_admin": (ok, ok, V, T, V, T),
    "staff":         (ok, G, V, T, V, T),
    "resident":      (F, F, F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize(
    "check", [policy.ensure_may_see_person, policy.ensure_may_see_card], ids=lambda c: c.__name__
)
@pytest.mark.parametrize(("role", "expected"), rows(SEE_PERSON, PEOPLE))
def test_a_person_is_seen_by_admins_over_them_and_by_the_grid_worker_of_their_grid(
    check, role, expected
):
    assert each(PEOPLE, lambda person: outcome(check, ACTORS[role], person)) == expected


@pytest.mark.parametrize(
    "check", [policy.ensure_may_see_person, policy.ensure_may_see_card], ids=lambda c: c.__name__
)
@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_see_themself_and_their_own_card(check, role):
    assert outcome(check, ACTORS[role], ACTORS[role]) == ok


# Inside the subtree first, then the rank: a town admin is outside the reach of another.
MANAGE_PERSON = {
    "city_admin":    (ok, ok, ok, ok, ok, R),
    "town_admin":    (ok, ok, ok, T, R, T),
    "village_admin": (ok, ok, V, T, V, T),
    "staff":         (F, F, F, F, F, F),
    "resident":      (F, F, F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), rows(MANAGE_PERSON, PEOPLE))
def test_admins_manage_the_people_of_their_subtree_below_their_own_rank(role, expected):
    check = policy.ensure_may_manage_person
    assert each(PEOPLE, lambda person: outcome(check, ACTORS[role], person)) == expected


NEW_ROLES = ("resident", "staff", "village_admin", "town_admin", "city_admin")
#                          resident  staff  village_admin  town_admin  city_admin
REGISTER_ROLE = {
    "city_admin":    (ok, ok, ok, ok, R),
    "town_admin":    (ok, ok, ok, R, R),
    "village_admin": (ok, ok, R, R, R),
    "staff":         (F, F, F, F, F),
    "resident":      (F, F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), rows(REGISTER_ROLE, NEW_ROLES))
def test_each_admin_registers_only_roles_below_their_own(role, expected):
    here, check = PLACES["own grid"], policy.ensure_may_register
    assert {new: outcome(check, ACTORS[role], here, new) for new in NEW_ROLES} == expected


@pytest.mark.parametrize(("role", "expected"), rows(ADMIN_OVER, PLACES))
def test_each_admin_registers_residents_only_inside_their_subtree(role, expected):
    check = policy.ensure_may_register
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place, "resident")) == expected


@pytest.mark.parametrize(("role", "expected"), rows(ADMIN_OVER, PEOPLE))
def test_admins_adjust_the_points_of_people_in_their_subtree(role, expected):
    check = policy.ensure_may_adjust
    assert each(PEOPLE, lambda person: outcome(check, ACTORS[role], person)) == expected


@pytest.mark.parametrize("role", ROLES)
def test_nobody_adjusts_their_own_points(role):
    assert outcome(policy.ensure_may_adjust, ACTORS[role], ACTORS[role]) == SELF_ADJ


# --- events and check-ins ---------------------------------------------------------------
# Staff and village admins run their village's events and their town's town-wide ones.
RUN_EVENT = {
    "city_admin":    (ok, ok, ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T, ok, T),
    "village_admin": (ok, ok, V, T, ok, T),
    "staff":         (ok, ok, V, T, ok, T),
    "resident":      (F, F, F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), rows(RUN_EVENT, PLACES))
def test_an_event_is_run_by_staff_and_up_of_its_village_or_for_a_town_wide_one_its_town(
    role, expected
):
    check = policy.ensure_may_run_event
    assert each(PLACES, lambda event: outcome(check, ACTORS[role], event)) == expected


def test_another_towns_town_wide_event_is_run_by_none_of_this_towns_people():
    theirs = Place(OTHER_TOWN)
    for role in ("town_admin", "village_admin", "staff"):
        assert outcome(policy.ensure_may_run_event, ACTORS[role], theirs) == T


GRID_PEOPLE = tuple(PEOPLE)[:4]
#                              own grid  other grid  other village  other town
CHECK_IN = {
    "city_admin":    (ok, ok, ok, ok),
    "town_admin":    (ok, ok, ok, T),
    "village_admin": (ok, ok, V, T),
    "staff":         (ok, ok, V, T),
    "resident":      (F, F, F, F),
}  # fmt: skip


@pytest.mark.parametrize(
    "event", [Place(TOWN, VILLAGE), Place(TOWN)], ids=["village event", "town-wide event"]
)
@pytest.mark.parametrize(("role", "expected"), rows(CHECK_IN, GRID_PEOPLE))
def test_people_are_checked_in_by_staff_of_their_village_or_admins_over_them(event, role, expected):
    check, people = policy.ensure_may_check_in, {name: PEOPLE[name] for name in GRID_PEOPLE}
    assert each(people, lambda person: outcome(check, ACTORS[role], event, person)) == expected


def test_a_grid_worker_sees_only_their_grids_people_but_checks_in_anyone_of_their_village():
    staff, event = ACTORS["staff"], Place(TOWN, VILLAGE)
    neighbour = PEOPLE["own village, other grid"]
    assert outcome(policy.ensure_may_see_person, staff, neighbour) == G
    assert outcome(policy.ensure_may_check_in, staff, event, neighbour) == ok


# --- the points supermarket -------------------------------------------------------------
HIDDEN_REWARD = {
    "city_admin":    (True, True, True, True, True, True),
    "town_admin":    (True, True, True, False, True, False),
    "village_admin": (True, True, False, False, False, False),
    "staff":         (False, False, False, False, False, False),
    "resident":      (False, False, False, False, False, False),
}  # fmt: skip


@pytest.mark.parametrize(("role", "expected"), rows(HIDDEN_REWARD, PLACES))
def test_a_reward_off_the_shelf_is_seen_only_by_the_admins_who_manage_it(role, expected):
    seen = each(PLACES, lambda place: policy.may_see_hidden_reward(ACTORS[role], place))
    assert seen == expected


def test_nobody_logged_in_sees_a_reward_off_the_shelf():
    assert policy.may_see_hidden_reward(None, PLACES["own grid"]) is False


@pytest.mark.parametrize(("role", "expected"), rows(ADMIN_OVER, PLACES))
def test_someone_elses_redemption_is_seen_by_the_admins_over_its_village(role, expected):
    check = policy.ensure_may_see_redemption
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place, SOMEONE_ELSE)) == expected


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_their_own_redemption_wherever_it_is(role):
    actor, check = ACTORS[role], policy.ensure_may_see_redemption
    assert set(each(PLACES, lambda place: outcome(check, actor, place, actor.id)).values()) == {ok}


@pytest.mark.parametrize(("role", "expected"), rows(ADMIN_OVER, PLACES))
def test_someone_elses_redemption_is_decided_by_the_admins_over_its_village(role, expected):
    check = policy.ensure_may_decide_redemption
    assert each(PLACES, lambda place: outcome(check, ACTORS[role], place, SOMEONE_ELSE)) == expected


@pytest.mark.parametrize(("role", "expected"), by_role(SELF_APP, SELF_APP, SELF_APP, F, F).items())
def test_nobody_decides_their_own_redemption(role, expected):
    actor = ACTORS[role]
    here = PLACES["own grid"]
    assert outcome(policy.ensure_may_decide_redemption, actor, here, actor.id) == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_its_resident_cancels_a_redemption(role):
    actor = ACTORS[role]
    assert outcome(policy.ensure_may_cancel_redemption, actor, actor.id) == ok
    assert outcome(policy.ensure_may_cancel_redemption, actor, SOMEONE_ELSE) == F


# --- listings: the WHERE clauses, run on a table of one thing per place ----------------
@pytest.fixture(scope="module")
def database():
    """An in-memory SQLite with the villages of the small world and one thing per place.

    `villages` is spelled here with the two columns the clauses read, so that nothing else
    of the schema (its foreign keys) is needed.
    """
    engine = create_engine("sqlite://")
    tables = MetaData()
    villages = Table(
        Village.__tablename__,
        tables,
        Column("id", Integer, primary_key=True),
        Column("town_id", Integer),
    )
    things = Table(
        "things",
        tables,
        Column("id", Integer, primary_key=True),
        Column("town_id", Integer),
        Column("village_id", Integer),
        Column("grid_id", Integer),
    )
    with engine.begin() as connection:
        tables.create_all(connection)
        connection.execute(
            insert(villages),
            [
                {"id": VILLAGE, "town_id": TOWN},
                {"id": NEIGHBOUR, "town_id": TOWN},
                {"id": FAR, "town_id": OTHER_TOWN},
            ],
        )
        connection.execute(
            insert(things),
            [
                {"id": n, "town_id": p.town_id, "village_id": p.village_id, "grid_id": p.grid_id}
                for n, p in enumerate(PLACES.values())
            ],
        )
    with engine.connect() as connection:
        yield connection, things
    engine.dispose()


def places_where(database, clause) -> set[str]:
    connection, things = database
    ids = set(connection.scalars(select(things.c.id).where(clause)))
    return {name for n, name in enumerate(PLACES) if n in ids}


ALL = set(PLACES)
TOWN_ROWS = {"own grid", "own village, other grid", "other village, same town", "town-wide"}
VILLAGE_ROWS = {"own grid", "own village, other grid"}
# role → rows seen given (village, town, grid) columns / (village, town) / village only.
WITHIN = {
    "city_admin": (ALL, ALL, ALL),
    "town_admin": (TOWN_ROWS, TOWN_ROWS, TOWN_ROWS - {"town-wide"}),
    "village_admin": (VILLAGE_ROWS, VILLAGE_ROWS, VILLAGE_ROWS),
    "staff": ({"own grid"}, VILLAGE_ROWS, VILLAGE_ROWS),
    "resident": (set(), set(), set()),
}
COLUMN_SETS = ("village, town and grid", "village and town", "village only")


def _columns(things, which: str) -> dict:
    given = {"village": things.c.village_id}
    if which != "village only":
        given["town"] = things.c.town_id
    if which == "village, town and grid":
        given["grid"] = things.c.grid_id
    return given


@pytest.mark.parametrize(("role", "expected"), rows(WITHIN, COLUMN_SETS))
def test_a_listing_is_narrowed_to_the_actors_subtree(database, role, expected):
    def listed(which: str) -> set[str]:
        columns = _columns(database[1], which)
        return places_where(database, policy.within(ACTORS[role], **columns))

    assert each({which: which for which in COLUMN_SETS}, listed) == expected


@pytest.mark.parametrize("which", COLUMN_SETS)
def test_nobody_logged_in_lists_nothing(database, which):
    columns = _columns(database[1], which)
    assert places_where(database, policy.within(None, **columns)) == set()


def test_a_grid_worker_without_grids_lists_none_of_the_grids_rows(database):
    idle = Actor(8, "staff", TOWN, VILLAGE, ())
    columns = _columns(database[1], "village, town and grid")
    assert places_where(database, policy.within(idle, **columns)) == set()


PEOPLE_TO_CHECK_IN = {
    "city_admin": ALL,
    "town_admin": TOWN_ROWS,
    "village_admin": VILLAGE_ROWS,
    "staff": VILLAGE_ROWS,
    "resident": set(),
}


@pytest.mark.parametrize(("role", "expected"), PEOPLE_TO_CHECK_IN.items())
def test_the_manual_check_in_list_holds_whom_the_actor_may_check_in(database, role, expected):
    things = database[1]
    clause = policy.people_to_check_in(
        ACTORS[role], village=things.c.village_id, town=things.c.town_id
    )
    assert places_where(database, clause) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    by_role(
        {VILLAGE, NEIGHBOUR, FAR}, {VILLAGE, NEIGHBOUR}, {VILLAGE}, {VILLAGE}, {VILLAGE}
    ).items(),
)
def test_the_villages_in_scope_are_the_citys_the_towns_or_ones_own(database, role, expected):
    connection, _ = database
    found = connection.scalars(select(Village.id).where(policy.villages_within(ACTORS[role])))
    assert set(found) == expected
