"""In a real Chromium on a phone: does the city admin's towns page fit, and the header name
the town a resident lives in?"""

from __future__ import annotations

import pytest
from support.accounts import PASSWORD
from support.browser import save_artifact

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(page, base: str, person) -> None:
    page.goto(base + "/login")
    page.fill("#phone", person.phone)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_towns_page_fits_the_phone_and_opens_a_town(
    live_server, town, other_town, city_admin, check_in, page
):
    check_in(other_town.resident_c, 7)
    log_in(page, live_server.url, city_admin)
    page.goto(live_server.url + "/admin/towns/")
    assert page.locator("[data-town-id]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_artifact("city-towns.png", page.screenshot(full_page=True))

    page.fill("#name", "甘霖镇")
    page.fill("#code", "GLN")
    page.fill("#points_name", "甘霖豆")
    page.click("form[action$='/admin/towns/'] button[type=submit]")

    assert page.locator("[data-town-id]").count() == 3
    assert "甘霖豆" in page.locator("[data-testid=town-figures]").inner_text()


def test_a_resident_reads_their_towns_points_in_the_header(
    live_server, town, other_town, give, page
):
    give(other_town.resident_c, 83)
    log_in(page, live_server.url, other_town.resident_c)

    brand = page.locator("[data-testid=scheme]").inner_text()
    assert "三界镇" in brand and "三界分" in brand
    assert page.locator(".balance .unit").first.inner_text() == "三界分"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_artifact("my-points-other-town.png", page.screenshot(full_page=True))
