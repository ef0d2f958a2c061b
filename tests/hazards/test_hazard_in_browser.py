"""On a 360 px phone: a resident reports a hazard with a photo from the file chooser, the grid
worker verifies it, the 公示 page shows it, and once the notice has ended (the tick run at its
end) the resident's balance includes it."""

from __future__ import annotations

import pytest
from PIL import Image
from sqlalchemy import select
from support.accounts import PASSWORD

from points import tick
from points.models import Posting

pytestmark = [pytest.mark.browser]

PHONE_360 = {"width": 360, "height": 740}


def _phone(browser, base: str, person):
    context = browser.new_context(viewport=PHONE_360, locale="zh-CN", timezone_id="Asia/Shanghai")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(base + "/login")
    tab.fill("#phone", person.phone)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(lambda url: "/login" not in url)
    return context, tab


def test_a_hazard_reported_on_the_phone_is_verified_posted_and_credited(
    browser, live_server, session, hazard_town, tmp_path
):
    t = hazard_town
    picture = tmp_path / "hazard.jpg"
    Image.new("RGB", (800, 600), (170, 60, 30)).save(picture, "JPEG")
    base = live_server.url

    resident, tab = _phone(browser, base, t.resident_a)
    try:
        tab.goto(base + "/hazards/new")
        with tab.expect_file_chooser() as chooser:
            tab.click("input[name=photos]")
        chooser.value.set_files(str(picture))
        tab.fill("input[name=title]", "村口电线裸露")
        tab.fill("input[name=place_text]", "村口小卖部旁")
        tab.click("form[data-testid=hazard-form] button[type=submit]")
        tab.wait_for_url(lambda url: url.endswith("/hazards/mine"))
        item = tab.locator("[data-testid=hazard]").first
        assert "村口电线裸露" in item.inner_text()
        assert item.get_attribute("data-status") == "submitted"
        assert tab.evaluate("document.documentElement.scrollWidth") <= 361

        worker, desk = _phone(browser, base, t.staff_a)
        try:
            desk.goto(base + "/grid/cases")
            desk.click("[data-testid=hazard-item] [data-testid=verify]")
            desk.wait_for_selector(".flash-success")
            assert desk.evaluate("document.documentElement.scrollWidth") <= 361
        finally:
            worker.close()

        tab.goto(f"{base}/publicity?village_id={t.village_a.id}")
        board = tab.inner_text("main")
        assert "张*丰" in board and "隐患排查" in board and "10" in board
        assert "张三丰" not in board

        session.rollback()  # a fresh snapshot: the server wrote the hold
        posting = session.scalar(select(Posting))
        assert tick.run(session, posting.ends_at, only="postings") == {"postings": 1}
        tab.goto(base + "/me")
        assert tab.inner_text("[data-testid=balance]").strip() == "10"
    finally:
        resident.close()
