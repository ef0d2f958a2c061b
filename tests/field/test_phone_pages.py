"""On a 360 px phone, does every page of every role fit, read and tap comfortably?"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.accounts import PASSWORD
from support.daily_pages import PAGES, pages_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE_360 = {"width": 360, "height": 740}

# What a page breaks: horizontal scroll, text under 14 px, tap targets under 44 px high.
MEASURE = (Path(__file__).parent / "phone_measure.js").read_text()

PEOPLE = {"resident": "resident_a", "staff": "staff_a", "admin": "admin_a"}


def _login(tab, base: str, person) -> None:
    tab.goto(base + "/login")
    tab.fill("#phone", person.phone)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("role", list(PAGES))
def test_every_phone_page_of_every_role_fits_360_px_with_readable_text_and_big_targets(
    browser, live_server, town, make_event, make_reward, session, role
):
    ids = {
        "event": make_event().id,
        "reward": make_reward().id,
        "resident": town.resident_a.id,
    }
    session.commit()
    context = browser.new_context(viewport=PHONE_360, locale="zh-CN", timezone_id="Asia/Shanghai")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    found = {}
    try:
        if role in PEOPLE:
            _login(tab, live_server.url, getattr(town, PEOPLE[role]))
        for path in pages_of(role, **ids):
            answer = tab.goto(live_server.url + path)
            assert answer.status == 200, (path, answer.status)
            problems = tab.evaluate(MEASURE)
            if problems:
                found[path] = problems
    finally:
        context.close()
    assert not found, "\n".join(f"{p}: {v}" for p, v in found.items())
