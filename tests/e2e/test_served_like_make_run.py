"""Does the app start as `make run` starts it, and does a browser see it in Chinese?"""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from support.browser import start_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/openapi.json"])
def test_gunicorn_serves_the_main_pages(live_server, path):
    with urllib.request.urlopen(live_server.url + path, timeout=10) as answer:
        assert answer.status == 200


@pytest.mark.browser
def test_a_phone_browser_logs_in_and_sees_its_points(live_server, page, town):
    page.goto(live_server.url + "/login")
    page.fill("#phone", town.resident_a.phone)
    page.fill("#password", "secret123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.locator("[data-testid=balance]").inner_text() == "0"
    assert "我的积分" in page.content()


# --- the whole `make run` path: init-db, seed-demo --if-empty, gunicorn ------------------
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A fresh SQLite database set up by the commands `make run` runs, then served."""
    folder = tmp_path_factory.mktemp("make-run")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'points.sqlite3'}",
        "INSTANCE_PATH": str(folder),
    }
    for command in (["init-db"], ["seed-demo", "--if-empty"], ["seed-demo", "--if-empty"]):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert "跳过" in done.stdout  # the second seed-demo --if-empty left the demo alone
    server = start_server(env["DATABASE_URL"], folder / "served")
    yield server, env
    server.stop()


def test_make_run_serves_the_demo_city_in_chinese_with_a_sound_ledger(demo_server):
    server, env = demo_server
    with urllib.request.urlopen(server.url + "/", timeout=10) as answer:
        home = answer.read().decode()
    assert 'lang="zh-CN"' in home and "平安积分" in home
    towns = json.loads(urllib.request.urlopen(server.url + "/api/v1/towns").read())
    assert {t["name"]: t["points_name"] for t in towns} == {"谷来镇": "香榧币", "甘霖镇": "平安币"}
    villages = json.loads(urllib.request.urlopen(server.url + "/api/v1/villages").read())
    by_town = {t["id"]: {v["name"] for v in villages if v["town_id"] == t["id"]} for t in towns}
    assert sorted(by_town.values(), key=sorted) == sorted(
        [{"谷来村", "袁家岙村", "马村"}, {"施家岙村", "东王村", "苍岩村"}], key=sorted
    )
    head = json.loads(urllib.request.urlopen(server.url + "/api/v1/ledger/head").read())
    assert head["transfers"] > 0 and head["head_hash"] in home
    verified = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "verify-ledger"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(
        f"OK: {head['transfers']} transfers, head {head['head_hash']}"
    )


def _api(server, path: str, phone: str | None = None) -> object:
    """GET an API path, as the demo login with this phone if one is given."""
    headers = {}
    if phone is not None:
        request = urllib.request.Request(
            server.url + "/api/v1/auth/token",
            data=json.dumps({"phone": phone, "password": "pingan123"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(server.url + "/api/v1" + path, headers=headers)
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


@pytest.mark.parametrize("phone", ["13800000001", "13810000060"])
def test_a_demo_resident_of_either_town_logs_in_through_the_api_and_sees_points(demo_server, phone):
    server, _env = demo_server
    me = _api(server, "/me", phone)
    assert me["phone"] == phone
    assert me["balance"] >= 0 and me["lifetime_points"] > 0


def test_the_demo_city_admin_logs_in_and_sees_both_towns(demo_server):
    server, _env = demo_server
    towns = {t["name"]: t["id"] for t in _api(server, "/towns")}
    whole = _api(server, "/dashboard", "13600000000")
    assert whole["residents"] == 120
    for town_id in towns.values():
        assert _api(server, f"/dashboard?town_id={town_id}", "13600000000")["residents"] == 60
    gulai = _api(server, "/dashboard", "13900000000")  # 谷来镇's admin: their town only
    assert gulai["residents"] == 60
    assert {v["name"] for v in gulai["top_villages"]} == {"谷来村", "袁家岙村", "马村"}


@pytest.mark.browser
def test_the_api_docs_render_with_no_request_leaving_the_server(demo_server, page):
    server, _env = demo_server
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server.url):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", only_local)
    page.goto(server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert "/api/v1/adjustments" in page.content()
    assert outside == []
