"""Fixtures: every database test runs on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

The app is built once per database kind for the whole run; each test gets it with an empty,
migrated database, a fresh app context and the configuration restored afterwards. Helpers
the tests share live in tests/support/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from flask import g
from sqlalchemy import func, select
from support.accounts import FAST_HASH, PASSWORD, AuthActions, new_phone
from support.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, start_server
from support.databases import KINDS, PostgresDatabase, SqliteDatabase
from support.points import give_points

from points import create_app, places
from points.extensions import db as sqla
from points.models import City, Role, User, Village
from points.models import Town as TownRow
from points.people import NewPerson, create_person
from points.places.opening import open_town
from points.policy import Place


def _clean_g() -> None:
    # The test's app context (and so `g`) is shared by its client's requests: start each
    # request with a clean `g`, or Flask-Login and Flask-Limiter see the previous request's.
    for name in list(g):
        g.pop(name)


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_METHOD": FAST_HASH,
}


def _new_app(url: str, instance, **overrides) -> object:
    saved = os.environ.get("INSTANCE_PATH")
    os.environ["INSTANCE_PATH"] = str(instance)
    try:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    finally:
        if saved is None:
            os.environ.pop("INSTANCE_PATH", None)
        else:
            os.environ["INSTANCE_PATH"] = saved
    app.before_request_funcs.setdefault(None, []).insert(0, _clean_g)
    return app


def _build(database, instance) -> object:
    app = _new_app(database.url, instance)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        sqla.engine.dispose()
    database.keep_as_template()
    return app


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """kind -> (app, database), built and migrated on first use."""
    made: dict = {}

    def get(kind: str):
        if kind not in made:
            folder = tmp_path_factory.mktemp(kind)
            database = SqliteDatabase(folder) if kind == "sqlite" else PostgresDatabase()
            made[kind] = (_build(database, folder / "instance"), database)
        return made[kind]

    yield get
    for app, database in made.values():
        with app.app_context():
            sqla.engine.dispose()
        database.drop()


@pytest.fixture(params=KINDS)
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def app(built, db_kind):
    """The app for this database kind, over an empty migrated database."""
    app, database = built(db_kind)
    config = dict(app.config)
    with app.app_context():
        database.empty(sqla.engine)
        yield app
        sqla.session.remove()
    app.config.clear()
    app.config.update(config)


@pytest.fixture(scope="session")
def _snapshots() -> dict:
    """(database kind, name) -> a kept database and what to say about it."""
    return {}


@pytest.fixture
def demo_city(app, built, db_kind, session, _snapshots):
    """The demo city `make run` seeds (seeded once per database kind, then restored)."""
    from points import demo

    database = built(db_kind)[1]
    if (db_kind, "demo") in _snapshots:
        session.remove()
        database.restore(sqla.engine, _snapshots[(db_kind, "demo")])
    else:
        demo.seed(session)
        session.commit()
        _snapshots[(db_kind, "demo")] = database.snapshot(sqla.engine, "demo")
    return session


@pytest.fixture
def db_url(app, built, db_kind) -> str:
    """The URL of this test's database (for a served app or a second engine)."""
    return built(db_kind)[1].url


@pytest.fixture
def make_app(app, db_url, tmp_path):
    """Another app over this test's database, configured otherwise: `make_app(**config)`."""
    made = []

    def make(**overrides):
        sqla.session.commit()
        other = _new_app(db_url, tmp_path / "other-instance", **overrides)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            sqla.engine.dispose()


@pytest.fixture
def session(app):
    """The app's database session (inside the app context)."""
    return sqla.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def give(session):
    """Give a person points: `give(person, amount)`."""

    def give(person: User, amount: int, **options):
        return give_points(session, person, amount, **options)

    return give


# --- a town to work in -------------------------------------------------------------------
@dataclass
class Town:
    """A town of two villages with an admin, a grid worker and residents, and its admin."""

    town: object
    village_a: object
    village_b: object
    town_admin: User
    admin_a: User
    admin_b: User
    staff_a: User
    resident_a: User
    resident_a2: User
    resident_b: User

    def ids(self) -> dict[str, int]:
        return {name: getattr(self, name).id for name in self.__dataclass_fields__}

    @classmethod
    def load(cls, session, ids: dict[str, int]) -> Town:
        """The same town read back by its ids (after a restore)."""
        kinds = {"town": TownRow, "village_a": Village, "village_b": Village}
        return cls(**{name: session.get(kinds.get(name, User), i) for name, i in ids.items()})

    @property
    def place(self) -> Place:
        """The town as a place (its settings, its dashboard)."""
        return Place(self.town.id)

    @property
    def place_a(self) -> Place:
        return Place(self.town.id, self.village_a.id)

    @property
    def place_b(self) -> Place:
        return Place(self.town.id, self.village_b.id)


@pytest.fixture
def make_person(session):
    def make(
        village=None,
        role=Role.RESIDENT.value,
        name="王小明",
        household=None,
        *,
        town=None,
        grid=None,
        grids=(),
    ) -> User:
        if town is None and role == Role.TOWN_ADMIN:
            town = places.towns(session)[0]
        return create_person(
            session,
            NewPerson(
                name=name,
                phone=new_phone(),
                village_id=village.id if village is not None else None,
                role=role,
                household_code=household,
                password=PASSWORD,
                town_id=town.id if town is not None else None,
                grid_id=grid.id if grid is not None else None,
                grid_ids=tuple(g.id for g in grids),
            ),
        )

    return make


@pytest.fixture
def city(session):
    """The deployment's city (the tree's root): the one there is, else a new one."""
    return places.the_city(session) or places.create_city(session, name="嵊州市", code="SZ")


@pytest.fixture
def home_town(session, city):
    """谷来镇 of the city (its points are 香榧币): the one there is, else a new one, bare."""
    found = session.scalar(select(TownRow).where(TownRow.code == "GL"))
    return found or open_town(session, name="谷来镇", code="GL", points_name="香榧币")


def _build_town(session, make_person) -> Town:
    places.create_city(session, name="嵊州市", code="SZ")
    home = open_town(session, name="谷来镇", code="GL", points_name="香榧币")
    a = places.create_village(session, town_id=home.id, name="谷来村", code="GL01")
    b = places.create_village(session, town_id=home.id, name="马村", code="MC03")
    return Town(
        town=home,
        village_a=a,
        village_b=b,
        town_admin=make_person(None, Role.TOWN_ADMIN.value, "镇管理员", town=home),
        admin_a=make_person(a, Role.VILLAGE_ADMIN.value, "谷来书记"),
        admin_b=make_person(b, Role.VILLAGE_ADMIN.value, "马村书记"),
        staff_a=make_person(a, Role.STAFF.value, "张网格"),
        resident_a=make_person(a, name="张三丰", household="GL01-001"),
        resident_a2=make_person(a, name="李四", household="GL01-001"),
        resident_b=make_person(b, name="赵五"),
    )


@pytest.fixture
def town(session, make_person, built, db_kind, _snapshots) -> Town:
    """A town of two villages with their people. Built once per database kind and restored
    for each test that starts from an empty database (a build costs ~50 ms, a restore ~2)."""
    database = built(db_kind)[1]
    empty = not session.scalar(select(func.count()).select_from(City))
    kept = _snapshots.get((db_kind, "town")) if empty else None
    if kept is not None:
        session.remove()
        database.restore(sqla.engine, kept[0])
        return Town.load(session, kept[1])
    made = _build_town(session, make_person)
    if empty:
        session.commit()
        ids = made.ids()
        _snapshots[(db_kind, "town")] = (database.snapshot(sqla.engine, "town"), ids)
        made = Town.load(session, ids)
    return made


# --- a real server and a real browser ---------------------------------------------------
@pytest.fixture(scope="session")
def _servers():
    """One gunicorn per database kind for the whole run (each test empties the database)."""
    running: dict = {}
    yield running
    for server in running.values():
        server.stop()


@pytest.fixture
def live_server(request, app, db_url, _servers, tmp_path_factory):
    """gunicorn (2 workers, as `make run`) serving this test's database; `app` fills it."""
    if "demo_city" in request.fixturenames:
        request.getfixturevalue("demo_city")  # restored before the server reads it
    sqla.session.commit()
    server = _servers.get(db_url)
    if server is None or server.process.poll() is not None:
        server = _servers[db_url] = start_server(db_url, tmp_path_factory.mktemp("served"))
    return server


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (phone-sized, Chinese) with its own cookies."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
