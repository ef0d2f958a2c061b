"""Demo data: a 谷来镇-style town with three villages and a few months of history.

Everything goes through the domain functions and the ledger, never by writing balances.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, timedelta
from importlib import import_module

from sqlalchemy.orm import Session

from points.db import write_transaction
from points.models import EventCategory, Role, User, utcnow
from points.people import NewPerson, add_person
from points.people.passwords import hash_password
from points.places import create_city, create_village
from points.places.opening import open_town

PASSWORD = "pingan123"
VILLAGES = (("谷来村", "GL01"), ("袁家岙村", "YJA02"), ("马村", "MC03"))
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

TOWN_ADMIN = ("镇综治办", "13900000000")


def _phone(prefix: str, n: int) -> str:
    return f"{prefix}{n:08d}"


def logins_text() -> str:
    lines = [
        f"演示账号 · demo logins (password 密码: {PASSWORD})",
        f"  镇管理员 town admin      {TOWN_ADMIN[1]}",
    ]
    for index, (name, _code) in enumerate(VILLAGES, start=1):
        lines.append(f"  {name}管理员 village admin  {_phone('139', index)}")
        lines.append(f"  {name}网格员 grid worker    {_phone('139', 10 + index)}")
    lines.append(f"  村民 resident            {_phone('138', 1)}  (and 138000000xx)")
    return "\n".join(lines)


def seed(session: Session, *, residents_per_village: int = 20, seed: int = 2026) -> None:
    """Create the demo town. Deterministic for a given seed."""
    rng = random.Random(seed)
    create_city(session, name="嵊州市", code="SZ")
    town = open_town(session, name="谷来镇", code="GL", points_name="香榧币")
    villages = [create_village(session, town_id=town.id, name=n, code=c) for n, c in VILLAGES]
    with write_transaction(session):
        town_admin = add_person(
            session,
            NewPerson(TOWN_ADMIN[0], TOWN_ADMIN[1], None, Role.TOWN_ADMIN.value, town_id=town.id),
        )
        admins, staff, residents = {}, {}, []
        serial = 0
        for index, village in enumerate(villages, start=1):
            admins[village.id] = add_person(
                session,
                NewPerson(
                    f"{village.name[:-1]}书记",
                    _phone("139", index),
                    village.id,
                    Role.VILLAGE_ADMIN.value,
                ),
            )
            staff[village.id] = add_person(
                session,
                NewPerson(
                    f"{rng.choice(SURNAMES)}网格员",
                    _phone("139", 10 + index),
                    village.id,
                    Role.STAFF.value,
                ),
            )
            made = 0
            household_no = 0
            while made < residents_per_village:
                household_no += 1
                surname = rng.choice(SURNAMES)
                for _member in range(min(rng.randint(1, 4), residents_per_village - made)):
                    serial += 1
                    made += 1
                    residents.append(
                        add_person(
                            session,
                            NewPerson(
                                surname + rng.choice(GIVEN),
                                _phone("138", serial),
                                village.id,
                                household_code=f"{village.code}-{household_no:03d}",
                            ),
                        )
                    )
        # One hash for every demo login: scrypt is slow by design, and this is demo data.
        shared = hash_password(PASSWORD)
        for person in [town_admin, *admins.values(), *staff.values(), *residents]:
            person.password_hash = shared
    _seed_history(session, rng, villages, admins, town_admin, residents)
    people = DemoPeople(town_admin, villages, admins, staff, residents)
    for name in FEATURE_STEPS:
        import_module(name).seed_demo(session, rng, people)


@dataclass
class DemoPeople:
    """What later demo steps build on."""

    town_admin: User
    villages: list
    admins: dict  # village id -> village admin
    staff: dict  # village id -> grid worker
    residents: list


# Modules with a `seed_demo(session, rng, people)` run after the core demo; a feature adds its own.
FEATURE_STEPS: list[str] = [
    "points.demo.shop",
    "points.demo.admin",
    "points.demo.board",
]


def _seed_history(session, rng, villages, admins, town_admin, residents) -> None:
    """Past events with check-ins over four months, and upcoming events.

    Everything goes through the event and check-in use cases, as a real event would.
    """
    from points import checkin
    from points.checkin import events
    from points.checkin.events import EventForm

    categories = list(session.query(EventCategory).order_by(EventCategory.sort_order))
    now = utcnow().replace(second=0, microsecond=0)
    by_village: dict[int, list[User]] = {}
    for person in residents:
        by_village.setdefault(person.village_id, []).append(person)
    start = now - timedelta(days=120)
    plans = []
    for village in villages:
        for _n in range(10):
            plans.append(
                (start + timedelta(days=rng.randint(0, 115), hours=rng.randint(0, 10)), village)
            )
    plans.sort(key=lambda item: item[0])
    for when, village in plans:
        category = rng.choice(categories)
        admin = admins[village.id]
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
        people = rng.sample(by_village[village.id], k=rng.randint(5, 14))
        for offset, person in enumerate(people):
            at = when + timedelta(minutes=offset)
            checkin.award(
                session,
                event_id=event.id,
                resident=person,
                method="self",
                at=at.replace(tzinfo=UTC).timestamp(),
                recorded_at=at,
            )
        events.change_status(session, admin, event.id, "close")
    # Upcoming events, one per village and one town-wide.
    for offset, village in enumerate([*villages, None], start=1):
        category = categories[offset % len(categories)]
        when = now + timedelta(days=offset, hours=2)
        events.create_event(
            session,
            admins[village.id] if village else town_admin,
            EventForm(
                title=f"{village.name if village else '全镇'}{category.name_zh}",
                category_id=category.id,
                village_id=village.id if village else None,
                starts_at=when,
                ends_at=when + timedelta(hours=2),
            ),
        )
