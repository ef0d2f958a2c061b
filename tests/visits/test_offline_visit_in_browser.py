"""Without signal in a real browser: does a home visit recorded offline survive a reload of the
kept visit form and upload exactly once when the signal comes back?"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support.accounts import PASSWORD
from support.browser import PHONE, wait_until
from visit_helpers import transfers

from points import ledger
from points.models import HomeVisit

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _visits(session) -> int:
    session.rollback()
    return session.scalar(select(func.count(HomeVisit.id)))


def test_a_visit_confirmed_in_person_offline_survives_a_reload_and_is_recorded_once_online(
    browser, live_server, visits_town, session
):
    town = visits_town
    household = town.resident_a.household_id
    session.commit()
    base = live_server.url
    before = transfers(session)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        tab.goto(base + "/login")
        tab.fill("#phone", town.staff_a.phone)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url(lambda url: "/login" not in url)
        # Online once: the household list installs the service worker, which keeps the list
        # and each household's form; the worker opens the form from it.
        tab.goto(f"{base}/visits/")
        wait_until(tab, "document.getElementById('visit-queue').dataset.offlineReady")
        tab.click(f'[data-testid="visit-{household}"]')
        tab.wait_for_url(f"**/visits/households/{household}")
        wait_until(tab, "document.getElementById('visit-queue').dataset.offlineReady")

        context.set_offline(True)
        tab.fill("#note", "断网走访：燃气软管已更换")
        tab.check('[data-testid="in-person"]')
        tab.check(f'input[name=member_id][value="{town.resident_a.id}"]')
        tab.click('[data-testid="record-visit"]')
        wait_until(tab, "document.getElementById('queue-count').textContent === '1'")
        assert "有信号时自动上传" in tab.locator("[data-testid=visit-queue-status]").inner_text()
        assert _visits(session) == 0

        tab.reload()  # still without signal: the kept form, the visit still waiting
        wait_until(tab, "document.getElementById('visit-queue').dataset.loaded")
        assert "1 条待上传" in tab.locator("[data-testid=visit-queue] h2").inner_text()
        assert tab.locator("#queue-list [data-state=pending]").count() == 1
        tab.goto(f"{base}/visits/")  # the kept list, and from it the kept form
        wait_until(tab, "document.getElementById('visit-queue').dataset.loaded")
        assert tab.locator("[data-testid=queue-count]").inner_text() == "1"
        tab.click(f'[data-testid="visit-{household}"]')
        wait_until(tab, "document.getElementById('visit-queue').dataset.loaded")
        assert tab.locator("[data-testid=visit-form]").count() == 1
        assert _visits(session) == 0

        context.set_offline(False)
        wait_until(
            tab,
            "document.getElementById('visit-queue').dataset.pending === '0' && "
            "document.querySelectorAll('#queue-list [data-state=recorded]').length === 1",
        )
        assert _visits(session) == 1
        visit = session.scalar(select(HomeVisit))
        assert (visit.confirmation, visit.confirmed_by) == ("in_person", town.resident_a.id)
        assert visit.note == "断网走访：燃气软管已更换"
        assert transfers(session) == before + 2  # the member's award and the worker's, once

        # Signal shown but the form's POST fails: the service worker keeps the visit instead;
        # uploaded, it is the same household and day, so it answers the first and awards nothing.
        form_url = f"**/visits/households/{household}"
        context.route(form_url, lambda r: r.abort() if r.request.method == "POST" else r.fallback())
        tab.fill("#note", "再去看一次")
        tab.check('[data-testid="in-person"]')
        tab.click('[data-testid="record-visit"]')
        tab.wait_for_url(form_url + "?kept=1")
        context.unroute(form_url)
        wait_until(
            tab, "document.querySelectorAll('#queue-list [data-state=already]').length === 1"
        )
        assert _visits(session) == 1 and transfers(session) == before + 2
        assert ledger.verify(session).ok
    finally:
        context.close()
