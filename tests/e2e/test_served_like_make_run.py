"""Does the app start as `make run` starts it, and does a browser see it in Chinese?"""

import urllib.request

import pytest

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
    page.wait_for_url("**/me")
    assert page.locator("[data-testid=balance]").inner_text() == "0"
    assert "我的积分" in page.content()
