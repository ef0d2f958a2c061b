"""On a weak village network (Chromium's slow-3G profile), is each resident page light and
quick: ≤ 150 KB on first load, ≤ 30 KB on a repeat visit, interactive within 3 s?"""

from __future__ import annotations

import pytest
from support.accounts import PASSWORD
from support.daily_pages import pages_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Chromium DevTools' "Slow 3G": 400 kbit/s each way, 2 s of round trip.
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}
FIRST_LOAD_BYTES = 150 * 1024
REPEAT_BYTES = 30 * 1024
INTERACTIVE_MS = 3000


def test_each_resident_page_is_light_and_interactive_in_three_seconds_on_slow_3g(
    browser, live_server, town, make_event, make_reward, give, session
):
    give(town.resident_a, 40)
    ids = {"event": make_event().id, "reward": make_reward().id, "resident": town.resident_a.id}
    session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(live_server.url + "/login")
    tab.fill("#phone", town.resident_a.phone)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/me")
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    sizes: list[int] = []
    cdp.on("Network.loadingFinished", lambda e: sizes.append(e["encodedDataLength"]))
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    measured, too_much = {}, {}
    try:
        for path in pages_of("resident", **ids):
            cdp.send("Network.clearBrowserCache")
            sizes.clear()
            tab.goto(live_server.url + path, wait_until="load")
            first = sum(sizes)
            ready = tab.evaluate("performance.getEntriesByType('navigation')[0].domInteractive")
            sizes.clear()
            tab.goto(live_server.url + path, wait_until="load")
            repeat = sum(sizes)
            measured[path] = (first, repeat, round(ready))
            if first > FIRST_LOAD_BYTES or repeat > REPEAT_BYTES or ready > INTERACTIVE_MS:
                too_much[path] = measured[path]
    finally:
        context.close()
    print("\n(first bytes, repeat bytes, interactive ms):", measured)
    assert not too_much, too_much
