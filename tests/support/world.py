"""A small city to test who may do what where: two towns, three villages, two grids.

    嵊州市 (city)
    ├── 谷来镇 (town 1)
    │   ├── 谷来村 A: grid g1 (the grid worker's), grid g2
    │   └── 马村 B
    └── 长乐镇 (town 2)
        └── 长乐村 C

One actor of each role stands in town 1 (a resident of g1, the grid worker of g1, village
A's admin, town 1's admin, the city admin). Each *spot* — own grid (g1), own village (g2),
other village (B), other town (C) — holds two residents: one for the page door to act on
and one for the API door, so both doors act on identical but separate things.

Everything is made through the use cases, with the test's cheap password hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from points import checkin, places
from points.admin import adjustments
from points.checkin import events
from points.db import write_transaction
from points.models import Event, Grid, Redemption, Reward, Role, Town, User, Village, utcnow
from points.people import NewPerson, create_person, roster
from points.places.opening import open_town
from points.shop import catalogue, redemption
from support.accounts import PASSWORD, new_phone
from support.points import give_points

SPOTS = ("own_grid", "own_village", "other_village", "other_town")
ROLES = tuple(role.value for role in Role)
DOORS = ("page", "api")


@dataclass
class Spot:
    """One place of the world as seen from town 1's actors, with a resident per door."""

    name: str
    town: Town
    village: Village
    grid: Grid | None
    people: dict[str, User]  # door -> the resident that door acts on


@dataclass
class World:
    session: Session
    city: object
    towns: tuple[Town, Town]
    villages: dict[str, Village]
    grids: dict[str, Grid]
    actors: dict[str, User]  # role -> the actor of that role
    spots: dict[str, Spot]
    _made: dict = field(default_factory=dict)

    @property
    def maker(self) -> User:
        """Who sets the scene (the city admin may make anything anywhere)."""
        return self.actors[Role.CITY_ADMIN.value]

    # --- things in a spot, made on demand ---------------------------------------------
    def event(self, spot: Spot, *, closed: bool = False) -> Event:
        """An event of the spot's village taking check-ins now, or closed early (one of each
        per village)."""
        key = ("event", spot.village.id, closed)
        if key not in self._made:
            now = utcnow()
            made = events.create_event(
                self.session,
                self.maker,
                events.EventForm(
                    title=f"{spot.village.name}夜间巡防",
                    category_id=None,
                    category="patrol",
                    village_id=spot.village.id,
                    starts_at=now - timedelta(minutes=10),
                    ends_at=now + timedelta(hours=2),
                ),
            )
            if closed:
                made = events.change_status(self.session, self.maker, made.id, "close")
            self._made[key] = made
        return self._made[key]

    def reward(
        self, spot: Spot, *, active: bool = True, name: str = "大米", stock: int | None = None
    ) -> Reward:
        """A reward of the spot's village for 10 points (stock None: unlimited)."""
        return catalogue.create_reward(
            self.session,
            actor=self.maker,
            fields=catalogue.RewardFields(
                name=f"{name}（{spot.name}）",
                points_cost=10,
                village_id=spot.village.id,
                active=active,
                stock=stock,
            ),
        )

    def spot_of(self, person: User) -> Spot | None:
        return next((s for s in self.spots.values() if person in s.people.values()), None)

    def pending_redemption(self, person: User) -> Redemption:
        """The person asks for a reward of their village (given the points to pay for it)."""
        spot = self.spot_of(person) or self.spots["own_grid"]  # an actor: village A
        key = ("reward", spot.village.id)
        if key not in self._made:
            self._made[key] = self.reward(spot)
        give_points(self.session, person, 10)
        return redemption.request(
            self.session, resident=person, reward_id=self._made[key].id, quantity=1
        )

    def approved_redemption(self, person: User) -> Redemption:
        made = self.pending_redemption(person)
        return redemption.approve(self.session, actor=self.maker, redemption_id=made.id)

    def fulfilled_redemption(self, person: User) -> Redemption:
        made = self.approved_redemption(person)
        return redemption.fulfil(self.session, actor=self.maker, redemption_id=made.id)

    def suspended(self, person: User) -> User:
        return roster.set_active(self.session, self.maker, person.id, False)

    def checked_in(self, person: User, *, then_reversed: bool = False) -> int:
        """Check a resident of a spot in at their village's event (and reverse it); its id."""
        made = checkin.check_in_manually(
            self.session,
            event_id=self.event(self.spot_of(person)).id,
            resident_id=person.id,
            actor=self.maker,
        )
        if then_reversed:
            adjustments.reverse_checkin(
                self.session, actor=self.maker, checkin_id=made.id, reason="签到有误"
            )
        return made.id


def _person(session: Session, name: str, role: Role, **where) -> User:
    where.setdefault("village_id", None)
    return create_person(
        session,
        NewPerson(name=name, phone=new_phone(), role=role.value, password=PASSWORD, **where),
    )


def build_world(session: Session) -> World:
    """The city, its places, an actor per role and two residents per spot (one commit)."""
    with write_transaction(session):
        return _build(session)


def _build(session: Session) -> World:
    city = places.create_city(session, name="嵊州市", code="SZ")
    town1 = open_town(session, name="谷来镇", code="GL", points_name="香榧币")
    town2 = open_town(session, name="长乐镇", code="CL", points_name="平安币")
    a = places.create_village(session, town_id=town1.id, name="谷来村", code="GL01")
    b = places.create_village(session, town_id=town1.id, name="马村", code="MC03")
    c = places.create_village(session, town_id=town2.id, name="长乐村", code="CL01")
    g1 = places.create_grid(session, village_id=a.id, name="一网格", code="G1")
    g2 = places.create_grid(session, village_id=a.id, name="二网格", code="G2")
    actors = {
        Role.RESIDENT.value: _person(
            session, "张三丰", Role.RESIDENT, village_id=a.id, grid_id=g1.id
        ),
        Role.STAFF.value: _person(
            session, "张网格", Role.STAFF, village_id=a.id, grid_ids=(g1.id,)
        ),
        Role.VILLAGE_ADMIN.value: _person(session, "谷来书记", Role.VILLAGE_ADMIN, village_id=a.id),
        Role.TOWN_ADMIN.value: _person(session, "谷来镇管理员", Role.TOWN_ADMIN, town_id=town1.id),
        Role.CITY_ADMIN.value: _person(session, "市管理员", Role.CITY_ADMIN),
    }
    where = {
        "own_grid": (town1, a, g1),
        "own_village": (town1, a, g2),
        "other_village": (town1, b, None),
        "other_town": (town2, c, None),
    }
    spots = {}
    for name, (town, village, grid) in where.items():
        people = {
            door: _person(
                session,
                f"{village.name}{door}村民",
                Role.RESIDENT,
                village_id=village.id,
                grid_id=grid.id if grid else None,
            )
            for door in DOORS
        }
        spots[name] = Spot(name, town, village, grid, people)
    return World(
        session=session,
        city=city,
        towns=(town1, town2),
        villages={"A": a, "B": b, "C": c},
        grids={"g1": g1, "g2": g2},
        actors=actors,
        spots=spots,
    )
