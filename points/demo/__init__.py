"""Demo data: the city of 嵊州市 with two towns (谷来镇 and 甘霖镇), three villages each, their
grids and grid workers, and a few months of history.

Everything goes through the use cases and the ledger, never by writing balances: the city
admin opens the towns and registers their admins, each town admin opens their villages, each
village admin draws their grids and registers their grid workers and residents.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import import_module

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.clock import local_now, timestamp, to_utc
from points.db import write_transaction
from points.demo.calendar import seed_calendar
from points.demo.rules import seed_book
from points.models import EventCategory, Role, Town, User, Village
from points.people import NewPerson, add_person
from points.people.passwords import hash_password
from points.places import create_city, create_grid, create_village
from points.places.opening import open_town

PASSWORD = "pingan123"
RESIDENTS_PER_VILLAGE = 20
CITY = ("嵊州市", "SZ")
CITY_ADMIN = ("嵊州市委政法委", "13600000000")
SURNAMES = "张王李赵陈刘杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐袁"
GIVEN = [
    "建国",
    "秀英",
    "桂英",
    "志强",
    "海燕",
    "国庆",
    "丽华",
    "明",
    "伟",
    "芳",
    "军",
    "敏",
    "静",
    "勇",
    "杰",
    "娟",
    "涛",
    "霞",
    "平",
    "刚",
    "红梅",
    "春生",
    "金花",
    "永康",
    "玉兰",
    "德华",
    "小军",
    "文斌",
    "素珍",
    "光明",
    "福生",
    "梅",
    "荣",
    "卫东",
    "爱华",
]
GRID_NAMES = ("第一网格", "第二网格", "第三网格")


# --- the plan: which places and logins the demo makes (the seed and the logins both read it)
@dataclass(frozen=True)
class GridPlan:
    """A grid of a village: which of the village's grid workers serve it (1 = the first)."""

    workers: tuple[int, ...]
    micro_grid: str | None = None


@dataclass(frozen=True)
class VillagePlan:
    name: str
    code: str
    grids: tuple[GridPlan, ...]

    @property
    def workers(self) -> int:
        """How many grid workers the village has."""
        return max(w for grid in self.grids for w in grid.workers)

    def grids_of(self, worker: int) -> list[str]:
        """The grids a worker (1 = the first) serves, as the logins name them."""
        return [
            GRID_NAMES[i] + (f"（{grid.micro_grid}）" if grid.micro_grid else "")
            for i, grid in enumerate(self.grids)
            if worker in grid.workers
        ]


@dataclass(frozen=True)
class TownPlan:
    """A town and its people's phone numbers: 139<number>… for its admins and grid workers,
    138<number>… for its residents."""

    name: str
    code: str
    points_name: str
    admin_name: str
    number: int
    villages: tuple[VillagePlan, ...]

    def phone(self, prefix: str, n: int) -> str:
        return f"{prefix}{self.number}{n:07d}"

    @property
    def admin_phone(self) -> str:
        return self.phone("139", 0)

    def village_admin_phone(self, village: int) -> str:
        """The admin of the village-th village (1 = the first)."""
        return self.phone("139", village)

    def worker_phone(self, village: int, worker: int) -> str:
        """A village's grid worker: 1x for the first worker of village x, 2x for the second."""
        return self.phone("139", 10 * worker + village)

    def resident_phone(self, serial: int) -> str:
        return self.phone("138", serial)


TOWNS = (
    TownPlan(
        name="谷来镇",
        code="GL",
        points_name="香榧币",
        admin_name="谷来镇综治办",
        number=0,
        villages=(
            VillagePlan(
                "谷来村",
                "GL01",
                (GridPlan((1,)), GridPlan((1,)), GridPlan((2,), "老街微网格")),
            ),
            VillagePlan("袁家岙村", "YJA02", (GridPlan((1,), "香榧林微网格"), GridPlan((2,)))),
            VillagePlan("马村", "MC03", (GridPlan((1,)), GridPlan((2,), "溪边微网格"))),
        ),
    ),
    TownPlan(
        name="甘霖镇",
        code="GAN",
        points_name="平安币",
        admin_name="甘霖镇综治办",
        number=1,
        villages=(
            VillagePlan(
                "施家岙村",
                "SJA01",
                (GridPlan((1,), "越剧小镇微网格"), GridPlan((2,)), GridPlan((2,))),
            ),
            VillagePlan("东王村", "DW02", (GridPlan((1,)), GridPlan((2,), "老台门微网格"))),
            VillagePlan("苍岩村", "CY03", (GridPlan((1,), "岩下微网格"), GridPlan((2,)))),
        ),
    ),
)
# The first town's admin: the browser tests log in with it.
TOWN_ADMIN = (TOWNS[0].admin_name, TOWNS[0].admin_phone)


def logins_text(residents_per_village: int = RESIDENTS_PER_VILLAGE) -> str:
    """The demo's logins as `make run` prints them: the city admin, then each town's admins,
    grid workers and residents."""
    towns = "、".join(town.name for town in TOWNS)
    lines = [
        f"演示账号 · demo logins（密码 password: {PASSWORD}）",
        "",
        _login(f"{CITY[0]} 市管理员 city admin", CITY_ADMIN[1], f"{towns} all towns"),
    ]
    for town in TOWNS:
        residents = residents_per_village * len(town.villages)
        lines += ["", f"{town.name} · 积分叫 points called「{town.points_name}」"]
        lines.append(_login("镇管理员 town admin", town.admin_phone))
        for index, village in enumerate(town.villages, start=1):
            lines.append(
                _login(f"{village.name} 村管理员 village admin", town.village_admin_phone(index))
            )
            for worker in range(1, village.workers + 1):
                lines.append(
                    _login(
                        f"{village.name} 网格员 grid worker",
                        town.worker_phone(index, worker),
                        "、".join(village.grids_of(worker)),
                    )
                )
        if residents:
            lines.append(
                _login(
                    f"村民 residents（{residents} 位）",
                    f"{town.resident_phone(1)} – {town.resident_phone(residents)}",
                )
            )
    return "\n".join(lines)


def _login(who: str, phone: str, note: str = "") -> str:
    """One line of the logins, the phone numbers lined up (a Chinese character is two columns
    wide in a terminal)."""
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in who)
    return f"  {who}{' ' * max(1, 34 - width)}{phone}  {note}".rstrip()


# --- what the later demo steps build on ----------------------------------------------------
@dataclass
class DemoPeople:
    """One town of the demo. The feature steps run once for each town."""

    town_admin: User
    villages: list
    admins: dict  # village id -> village admin
    staff: dict  # village id -> its first grid worker
    residents: list
    town: Town | None = None
    grids: dict = field(default_factory=dict)  # village id -> its grids
    grid_workers: dict = field(default_factory=dict)  # village id -> its grid workers
    city_admin: User | None = None


# Modules with a `seed_demo(session, rng, people)` run after the core demo, once per town; a
# feature adds its own.
FEATURE_STEPS: list[str] = [
    "points.demo.shop",
    "points.demo.admin",
    "points.demo.board",
    "points.demo.cases",
    "points.demo.visits",
    "points.demo.year",
]


def seed(
    session: Session, *, residents_per_village: int = RESIDENTS_PER_VILLAGE, seed: int = 2026
) -> None:
    """Create the demo city. Deterministic for a given seed (the dates follow today)."""
    rng = random.Random(seed)
    # One hash for every demo login: scrypt is slow by design, and this is demo data.
    shared = hash_password(PASSWORD)
    create_city(session, name=CITY[0], code=CITY[1])
    with write_transaction(session):
        city_admin = add_person(
            session, NewPerson(CITY_ADMIN[0], CITY_ADMIN[1], None, Role.CITY_ADMIN.value)
        )
        city_admin.password_hash = shared
    city_admin_id = city_admin.id
    seed_calendar(session, city_admin)
    for plan in TOWNS:
        people = _seed_town(session, rng, plan, city_admin, shared, residents_per_village)
        seed_book(session, people.town.id)
        # A town's history in one transaction: each event and check-in still goes through
        # its use case, without a commit (and, on disk, a sync) after every one.
        with write_transaction(session):
            _seed_history(session, rng, people)
        for name in FEATURE_STEPS:
            import_module(name).seed_demo(session, rng, people)
        # Every commit expires every object the session holds: starting each town with an
        # empty session keeps the seed's time proportional to the number of towns.
        session.expunge_all()
        city_admin = session.get(User, city_admin_id)


def _seed_town(
    session: Session,
    rng: random.Random,
    plan: TownPlan,
    city_admin: User,
    shared: str,
    residents_per_village: int,
) -> DemoPeople:
    """A town opened by the city admin, its villages by its admin, its grids and people by
    each village's admin."""
    town = open_town(
        session, name=plan.name, code=plan.code, points_name=plan.points_name, actor=city_admin
    )
    with write_transaction(session):
        town_admin = add_person(
            session,
            NewPerson(
                plan.admin_name, plan.admin_phone, None, Role.TOWN_ADMIN.value, town_id=town.id
            ),
            actor=city_admin,
        )
    villages = [
        create_village(session, town_id=town.id, name=v.name, code=v.code, actor=town_admin)
        for v in plan.villages
    ]
    people = DemoPeople(town_admin, villages, {}, {}, [], town=town, city_admin=city_admin)
    with write_transaction(session):
        for index, village in enumerate(villages, start=1):
            _seed_village(
                session,
                rng,
                plan,
                index,
                village,
                people,
                residents_per_village=residents_per_village,
            )
        for person in [town_admin, *people.admins.values(), *people.residents]:
            person.password_hash = shared
        for workers in people.grid_workers.values():
            for person in workers:
                person.password_hash = shared
    return people


def _seed_village(
    session: Session,
    rng: random.Random,
    plan: TownPlan,
    index: int,
    village: Village,
    people: DemoPeople,
    *,
    residents_per_village: int,
) -> None:
    """The index-th village's admin (registered by the town admin), then, by that admin, its
    grids, the grid workers serving them and its residents, household by household."""
    village_plan = plan.villages[index - 1]
    admin = add_person(
        session,
        NewPerson(
            f"{village.name[:-1]}书记",
            plan.village_admin_phone(index),
            village.id,
            Role.VILLAGE_ADMIN.value,
        ),
        actor=people.town_admin,
    )
    grids = [
        create_grid(
            session,
            village_id=village.id,
            name=GRID_NAMES[number],
            code=f"{village.code}-G{number + 1}",
            micro_grid=grid_plan.micro_grid,
            actor=admin,
        )
        for number, grid_plan in enumerate(village_plan.grids)
    ]
    workers = []
    for worker in range(1, village_plan.workers + 1):
        served = [
            g.id for g, p in zip(grids, village_plan.grids, strict=True) if worker in p.workers
        ]
        workers.append(
            add_person(
                session,
                NewPerson(
                    f"{rng.choice(SURNAMES)}网格员",
                    plan.worker_phone(index, worker),
                    village.id,
                    Role.STAFF.value,
                    grid_ids=tuple(served),
                ),
                actor=admin,
            )
        )
    people.admins[village.id] = admin
    people.grids[village.id] = grids
    people.grid_workers[village.id] = workers
    people.staff[village.id] = workers[0]
    made = household_no = 0
    while made < residents_per_village:
        household_no += 1
        surname = rng.choice(SURNAMES)
        grid = grids[(household_no - 1) % len(grids)]  # a household lives in one grid
        for _member in range(min(rng.randint(1, 4), residents_per_village - made)):
            made += 1
            people.residents.append(
                add_person(
                    session,
                    NewPerson(
                        surname + rng.choice(GIVEN),
                        plan.resident_phone(len(people.residents) + 1),
                        village.id,
                        household_code=f"{village.code}-{household_no:03d}",
                        grid_id=grid.id,
                    ),
                    actor=admin,
                )
            )


def _seed_history(session: Session, rng: random.Random, people: DemoPeople) -> None:
    """Past events of a town with check-ins over four months, and upcoming events.

    Events sit in the day as villagers hold them (8:00–20:00 Shanghai time). Everything goes
    through the event and check-in use cases, as a real event would.
    """
    from points import checkin
    from points.checkin import events
    from points.checkin.events import EventForm

    town = people.town
    categories = list(
        session.scalars(
            select(EventCategory)
            .where(EventCategory.town_id == town.id)
            .order_by(EventCategory.sort_order)
        )
    )
    today = local_now().date()
    by_village: dict[int, list[User]] = {}
    for person in people.residents:
        by_village.setdefault(person.village_id, []).append(person)
    plans = []
    for village in people.villages:
        for _n in range(10):
            day = today - timedelta(days=rng.randint(1, 116))
            starts = datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 30))))
            plans.append((to_utc(starts), village))
    plans.sort(key=lambda item: (item[0], item[1].id))
    for when, village in plans:
        category = rng.choice(categories)
        admin = people.admins[village.id]
        event = events.create_event(
            session,
            admin,
            EventForm(
                title=f"{village.name}{category.name_zh}",
                category_id=category.id,
                village_id=village.id,
                starts_at=when,
                ends_at=when + timedelta(hours=2),
            ),
        )
        attending = rng.sample(by_village[village.id], k=rng.randint(5, 14))
        for offset, person in enumerate(attending):
            at = when + timedelta(minutes=offset)
            checkin.award(
                session,
                event_id=event.id,
                resident=person,
                method="self",
                at=timestamp(at),
                recorded_at=at,
            )
        events.change_status(session, admin, event.id, "close")
    # Upcoming events, one per village and one town-wide, in the mornings and afternoons.
    for offset, village in enumerate([*people.villages, None], start=1):
        category = categories[offset % len(categories)]
        starts = datetime.combine(today + timedelta(days=offset), time((9, 14)[offset % 2]))
        when = to_utc(starts)
        events.create_event(
            session,
            people.admins[village.id] if village else people.town_admin,
            EventForm(
                title=f"{village.name if village else town.name}{category.name_zh}",
                category_id=category.id,
                village_id=village.id if village else None,
                starts_at=when,
                ends_at=when + timedelta(hours=2),
            ),
        )
