"""In a real Chromium on a 360 px phone: does a village admin publish a new version of the
village's rule book, and does a resident then see it on the public page with both versions?"""

from __future__ import annotations

import pytest
from support.browser import save_artifact

from points import demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NARROW = {"width": 360, "height": 740}


def log_in(page, base: str, phone: str) -> None:
    page.goto(base + "/login")
    page.fill("#phone", phone)
    page.fill("#password", demo.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def row_named(page, name: str) -> int:
    """The index of the form row whose item name is `name` ('' = the first blank row): the
    village may already have items of its own, so the rows are not assumed."""
    names = page.locator("input[name$='-name'][name^='items-']")
    for i in range(names.count()):
        if names.nth(i).input_value() == name:
            return int(names.nth(i).get_attribute("name").split("-")[1])
    raise AssertionError(f"no row named {name!r}")


def test_a_village_admin_publishes_at_360px_and_a_resident_sees_both_versions(
    browser, live_server, demo_city
):
    context = browser.new_context(viewport=NARROW, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server.url, "13900000001")  # 谷来村's village admin
        page.goto(live_server.url + "/admin/rules")
        assert fits(page)
        page.fill("input[name=votes_for]", "38")
        page.fill("input[name=votes_against]", "1")
        page.fill("input[name=votes_abstain]", "0")
        row = row_named(page, "")
        page.fill(f"input[name='items-{row}-name']", "门前三包")
        page.fill(f"input[name='items-{row}-points']", "2")
        page.select_option(f"select[name='items-{row}-cap_per']", "household")
        page.select_option(f"select[name='items-{row}-cap_period']", "month")
        page.fill(f"input[name='items-{row}-cap_times']", "4")
        save_artifact("rules-publish-360.png", page.screenshot(full_page=True))
        page.click("form[data-testid=publish-form] button[type=submit]")
        page.wait_for_url("**/rules?village_id=*")
        assert "门前三包" in page.content()

        page.goto(live_server.url + "/admin/rules")  # the second version: 3 points
        page.fill(f"input[name='items-{row_named(page, '门前三包')}-points']", "3")
        page.click("form[data-testid=publish-form] button[type=submit]")
        page.wait_for_url("**/rules?village_id=*")

        context.clear_cookies()
        log_in(page, live_server.url, "13800000001")  # a resident of 谷来村
        page.click("nav >> text=积分细则")
        page.wait_for_url("**/rules*")
        assert fits(page)
        text = page.inner_text("main") if page.locator("main").count() else page.content()
        assert "门前三包" in text and "+3 分 / 次" in text and "每户每月最多 4 次" in text
        assert "治安巡防" in text and "每人每周最多 3 次" in text  # the town's book too
        versions = page.locator("[data-testid=versions] > li")
        shown = [versions.nth(i).get_attribute("data-version") for i in range(versions.count())]
        assert "village-1" in shown and "village-2" in shown
        assert "赞成 38、反对 1、弃权 0" in page.content()
        save_artifact("rules-public-360.png", page.screenshot(full_page=True))
    finally:
        context.close()
