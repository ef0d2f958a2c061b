"""Do the pages still work in Chromium under the strict CSP, with nothing blocked?"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _watch_for_csp(tab) -> list[str]:
    blocked: list[str] = []
    tab.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return blocked


def test_public_pages_the_api_docs_and_the_picker_work_with_nothing_blocked(
    demo_city, live_server, page
):
    blocked = _watch_for_csp(page)
    for path in ("/", "/leaderboard", "/ledger", "/shop", "/events", "/login"):
        page.goto(live_server.url + path)
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)  # Swagger UI started

    page.goto(live_server.url + "/leaderboard")
    picker = page.locator("select[data-autosubmit]").first
    options = picker.locator("option").all()
    value = options[-1].get_attribute("value")
    picker.select_option(value)  # the shared page.js submits the form on change
    page.wait_for_url(f"**={value}**")
    assert blocked == []


def test_a_print_button_and_a_confirm_form_work_without_inline_handlers(
    demo_city, live_server, page
):
    blocked = _watch_for_csp(page)
    page.goto(live_server.url + "/login")
    page.fill("input[name=phone]", "13800000001")
    page.fill("input[name=password]", "pingan123")
    page.click("button[type=submit]")
    page.wait_for_url("**/me")
    page.goto(live_server.url + "/me/card")
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.click("[data-print]")
    assert page.evaluate("document.body.dataset.printed") == "yes"
    assert blocked == []
