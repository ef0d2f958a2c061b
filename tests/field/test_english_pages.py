"""In English, does any page still speak Chinese — outside names and what people typed?"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.accounts import PASSWORD
from support.daily_pages import PAGES, pages_of

from points.admin import adjustments
from points.board.leaderboard import mask_name
from points.models import Event, Grid, Household, Reward, Town, Transfer, User, Village
from points.models.rules import RuleBookVersion, RuleVersion
from points.shop import redemption

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Han characters and the full-width punctuation that gives a translated page away.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff1f\uff5e]")
PEOPLE = {"resident": "resident_a", "staff": "staff_a", "admin": "admin_a"}


def _user_data(session) -> list[str]:
    """Every name and text people gave the scheme: these stay as they were typed."""
    session.rollback()
    found = set()
    for column in (
        User.name,
        Village.name,
        Town.name,
        Town.points_name,
        Grid.name,
        Event.title,
        Reward.name,
        Reward.description,
        Household.code,
    ):
        found.update(v for v in session.scalars(select(column)) if v)
    found.update(mask_name(n) for n in session.scalars(select(User.name)))  # the boards
    found.update(n[0] for n in session.scalars(select(Reward.name)))  # a picture's stand-in
    found.update(m for m in session.scalars(select(Transfer.memo)) if m and "兑换" not in m)
    found.update({"见义勇为"})  # the adjustment's reason
    for column in (RuleVersion.name_zh, RuleBookVersion.note, RuleBookVersion.adopted_by):
        found.update(v for v in session.scalars(select(column)) if v)  # the village's rule book
    return sorted(found, key=len, reverse=True)


def _leaks(text: str, data: list[str]) -> list[str]:
    for value in data:
        text = text.replace(value, " ")
    return [line.strip()[:80] for line in text.splitlines() if CHINESE.search(line)]


def _login(tab, base: str, person) -> None:
    tab.goto(base + "/login")
    tab.fill("#phone", person.phone)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_in_english_has_no_chinese_outside_names_and_user_data(
    browser, live_server, town, make_event, make_reward, give, session, role
):
    give(town.resident_a, 100)
    towel = make_reward(name="毛巾", cost=30)
    asked = redemption.request(session, resident=town.resident_a, reward_id=towel.id, quantity=1)
    redemption.approve(session, actor=town.admin_a, redemption_id=asked.id)
    adjustments.adjust(
        session, actor=town.admin_a, resident_id=town.resident_a2.id, amount=5, reason="见义勇为"
    )
    ids = {
        "event": make_event().id,
        "reward": make_reward(cost=500).id,
        "resident": town.resident_a.id,
    }
    session.commit()
    data = _user_data(session)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    found = {}
    try:
        tab.goto(live_server.url + "/lang/en")
        if role in PEOPLE:
            _login(tab, live_server.url, getattr(town, PEOPLE[role]))
        for path in pages_of(role, **ids):
            answer = tab.goto(live_server.url + path)
            assert answer.status == 200, (path, answer.status)
            assert tab.evaluate("document.documentElement.lang") == "en", path
            # The language switch names Chinese in Chinese (lang="zh-CN"): not a leak.
            other = tab.evaluate(
                "Array.from(document.querySelectorAll('[lang^=zh]')).map(e => e.innerText)"
            )
            leaks = _leaks(tab.evaluate("document.body.innerText"), data + other)
            if leaks:
                found[path] = leaks
    finally:
        context.close()
    assert not found, "\n".join(f"{p}: {v}" for p, v in found.items())
