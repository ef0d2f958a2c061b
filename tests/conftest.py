"""Fixtures: every database test runs on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

SQLite: the schema is migrated once into a template file and copied for each test.
PostgreSQL: a database of this test run's own is migrated once and truncated between tests,
so that several test runs on one server don't meet.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from points import create_app, served
from points.db import seed_ledger_head
from points.extensions import db as sqla
from points.models import Role, User
from points.people import NewPerson, create_person, create_village
from points.served import Server

_THIS_MODULE = sys.modules[__name__]  # while importing, "conftest" is this file


def pytest_collectstart(collector) -> None:
    # Every test folder's conftest.py outside a package is imported as the module "conftest",
    # the last one loaded replacing the others; test modules that `from conftest import …`
    # mean this file, so point the name back here before each module is imported.
    sys.modules["conftest"] = _THIS_MODULE


PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "secret123"
FAST_HASH = "pbkdf2:sha256:1000"


def _migrate(url: str, instance_path: str) -> None:
    saved = os.environ.get("INSTANCE_PATH")
    os.environ["INSTANCE_PATH"] = instance_path
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrate", "TESTING": True})
    finally:
        if saved is None:
            os.environ.pop("INSTANCE_PATH", None)
        else:
            os.environ["INSTANCE_PATH"] = saved
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        sqla.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    _migrate(f"sqlite:///{path}", str(folder))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return str(path)


@pytest.fixture(scope="session")
def postgres_database(tmp_path_factory):
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    base = make_url(PG_URL)
    if base.drivername in ("postgresql", "postgres"):
        base = base.set(drivername="postgresql+psycopg")
    name = f"points_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    _migrate(url, str(tmp_path_factory.mktemp("pg-migrate")))
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ]
    yield url, engine, tables
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path) -> str:
    """A fresh, migrated, empty database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "points.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url, engine, tables = request.getfixturevalue("postgres_database")
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        seed_ledger_head(conn)
    return url


def _clean_g() -> None:
    from flask import g

    for name in list(g):
        g.pop(name)


@pytest.fixture
def app(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": db_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    # The test's app context (and so `g`) is shared by its client's requests: start each
    # request with a clean `g`, or Flask-Login and Flask-Limiter see the previous request's.
    app.before_request_funcs.setdefault(None, []).insert(0, _clean_g)
    with app.app_context():
        yield app
        sqla.session.remove()
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


@dataclass
class Town:
    """Two villages with an admin, a grid worker and residents each, plus a town admin."""

    village_a: object
    village_b: object
    town_admin: User
    admin_a: User
    admin_b: User
    staff_a: User
    resident_a: User
    resident_a2: User
    resident_b: User


_phone_counter = iter(range(10_000_000, 99_999_999))


def new_phone() -> str:
    return f"137{next(_phone_counter):08d}"


@pytest.fixture
def make_person(session):
    def make(village=None, role=Role.RESIDENT.value, name="王小明", household=None) -> User:
        return create_person(
            session,
            NewPerson(
                name=name,
                phone=new_phone(),
                village_id=village.id if village is not None else None,
                role=role,
                household_code=household,
                password=PASSWORD,
            ),
        )

    return make


@pytest.fixture
def town(session, make_person) -> Town:
    a = create_village(session, name="谷来村", code="GL01")
    b = create_village(session, name="马村", code="MC03")
    return Town(
        village_a=a,
        village_b=b,
        town_admin=make_person(None, Role.TOWN_ADMIN.value, "镇管理员"),
        admin_a=make_person(a, Role.VILLAGE_ADMIN.value, "谷来书记"),
        admin_b=make_person(b, Role.VILLAGE_ADMIN.value, "马村书记"),
        staff_a=make_person(a, Role.STAFF.value, "张网格"),
        resident_a=make_person(a, name="张三丰", household="GL01-001"),
        resident_a2=make_person(a, name="李四", household="GL01-001"),
        resident_b=make_person(b, name="赵五"),
    )


class AuthActions:
    """Log in through the page or get an API token, as a test user."""

    def __init__(self, client):
        self._client = client

    def login(self, user: User, password: str = PASSWORD):
        return self._client.post("/login", data={"phone": user.phone, "password": password})

    def logout(self):
        return self._client.post("/logout")

    def token(self, user: User, password: str = PASSWORD) -> str:
        answer = self._client.post(
            "/api/v1/auth/token", json={"phone": user.phone, "password": password}
        )
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["token"]

    def headers(self, user: User, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token(user)}", **extra}


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


# --- a real server and a real browser ---------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"


def start_server(db_url: str, instance: Path, *, workers: int = 2, extra_env=None) -> Server:
    """Start gunicorn on a free port against `db_url`, as `make run` does; wait until it answers."""
    instance.mkdir(parents=True, exist_ok=True)
    env = {
        "DATABASE_URL": db_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": "0",
        **(extra_env or {}),
    }
    return served.start(env, instance / "server.log", workers=workers, wait=30)


@pytest.fixture
def live_server(app, db_url, tmp_path):
    """gunicorn (2 workers) serving this test's database; `app` is there to fill it."""
    sqla.session.commit()
    server = start_server(db_url, tmp_path / "server-instance")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
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
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def save_artifact(name: str, data: bytes) -> Path:
    """Keep a screenshot or file from a test under test-artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def write_y4m(image, path) -> None:
    """Write a one-frame Y4M video of a PIL picture: what Chromium's fake camera plays."""
    yuv = image.convert("YCbCr")
    width, height = yuv.size
    y, cb, cr = yuv.split()
    half = (width // 2, height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.write(b"FRAME\n")
        out.write(y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())


@contextmanager
def chromium_with_camera(browser, video_path):
    """A second Chromium from the session's Playwright whose camera plays `video_path`."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video_path}",
        ],
    )
    try:
        yield chromium
    finally:
        chromium.close()


@contextmanager
def phone_camera_showing(browser, folder: Path, text: str, *, size: int):
    """A phone-sized Chromium tab whose camera sees a QR code of `text`, `size` px, centred."""
    import qrcode
    from PIL import Image

    frame = Image.new("RGB", (640, 480), "white")
    code = qrcode.make(text, box_size=8).get_image().convert("RGB").resize((size, size))
    frame.paste(code, ((640 - size) // 2, (480 - size) // 2))
    video = folder / "camera.y4m"
    write_y4m(frame, video)
    with chromium_with_camera(browser, video) as chromium:
        context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        context.grant_permissions(["camera"])
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        yield tab
