"""In a real browser, with a real decoder: do the codes on screen check people in?"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from support.accounts import PASSWORD
from support.browser import phone_camera_showing, save_artifact, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _decode(png: bytes) -> str:
    found = decode(Image.open(io.BytesIO(png)))
    assert found, "zbar found no QR code in the screenshot"
    return found[0].data.decode()


def _login(page, base: str, person) -> None:
    page.goto(base + "/login")
    page.fill("#phone", person.phone)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_the_qr_svg_decodes_to_a_url_that_checks_a_phone_in_after_logging_in(
    browser, page, live_server, town, make_event, session
):
    event = make_event(points=11, title="消防演练")
    event_id = event.id
    session.commit()
    _login(page, live_server.url, town.staff_a)
    page.wait_for_url(lambda url: "/login" not in url)
    answer = page.goto(f"{live_server.url}/api/v1/events/{event_id}/qr.svg")
    assert answer.headers["content-type"].startswith("image/svg+xml")
    svg = answer.text()
    page.goto(f"{live_server.url}/healthz")  # back to an HTML document to draw it in
    page.set_content(
        f"<body style='margin:0;background:#fff'><div id=qr style='width:360px'>{svg}</div>"
    )
    png = page.locator("#qr").screenshot()
    save_artifact("checkin-qr-svg.png", png)
    url = _decode(png)
    assert url.startswith(f"{live_server.url}/c/")

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    resident = phone.new_page()
    resident.set_default_timeout(10_000)
    resident.goto(url)  # what the camera app opens
    resident.wait_for_url(lambda u: "/login" in u and "next=" in u)
    resident.fill("#phone", town.resident_a.phone)
    resident.fill("#password", PASSWORD)
    resident.click("button[type=submit]")
    resident.wait_for_url("**/c/confirm")
    assert resident.locator("[data-testid=event-title]").inner_text() == "消防演练"
    resident.click("[data-testid=confirm]")
    assert resident.locator("[data-testid=awarded]").inner_text().startswith("+11")
    assert resident.locator("[data-testid=balance]").inner_text() == "11"
    save_artifact("checkin-result-360.png", resident.screenshot(full_page=True))
    resident.click("text=查看我的积分")
    assert resident.locator("[data-testid=balance]").inner_text() == "11"
    phone.close()


def test_the_live_page_code_decodes_and_the_count_goes_up_without_a_reload(
    browser, page, live_server, town, make_event, session
):
    event = make_event(points=4)
    event_id = event.id
    session.commit()
    page.set_viewport_size({"width": 1280, "height": 720})  # a projector
    _login(page, live_server.url, town.staff_a)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/events/{event_id}/live")
    png = page.locator("[data-testid=live-qr]").screenshot()
    save_artifact("checkin-live-page.png", page.screenshot())
    url = _decode(png)
    assert url.startswith(f"{live_server.url}/c/")
    page.evaluate("window.__marker = 'same page'")

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    resident = phone.new_page()
    _login(resident, live_server.url, town.resident_a2)
    resident.wait_for_url(lambda url: "/login" not in url)
    resident.goto(url)
    resident.click("[data-testid=confirm]")
    assert resident.locator("[data-testid=balance]").inner_text() == "4"
    phone.close()

    wait_until(
        page, "document.getElementById('live-count').textContent.trim() === '1'", timeout=10_000
    )
    assert "李*" in page.locator("#live-recent").inner_text()
    assert page.evaluate("window.__marker") == "same page"


def test_the_live_page_is_readable_on_a_phone(page, live_server, town, make_event, session):
    event = make_event()
    event_id = event.id
    session.commit()
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, live_server.url, town.staff_a)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/events/{event_id}/live")
    box = page.locator("[data-testid=live-qr] svg").bounding_box()
    assert box["width"] >= 280 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    url = _decode(page.locator("[data-testid=live-qr]").screenshot())
    assert "/c/" in url


def test_the_scanner_reads_a_printed_card_with_the_vendored_decoder(
    page, live_server, town, make_event, session
):
    event = make_event(points=3)
    event_id, resident_id = event.id, town.resident_a.id
    session.commit()
    _login(page, live_server.url, town.admin_a)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/events/{event_id}/scan")
    decoded = page.evaluate(
        """async (id) => {
            const svg = await (await fetch(`/api/v1/residents/${id}/card.svg`)).text();
            const img = new Image();
            img.src = 'data:image/svg+xml;base64,' + btoa(svg);
            await img.decode();
            const c = document.createElement('canvas');
            c.width = 400; c.height = 400;
            const ctx = c.getContext('2d');
            ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 400, 400);
            ctx.drawImage(img, 0, 0, 400, 400);
            const code = await QrScanner.scanImage(c, { returnDetailedScanResult: true });
            return code && code.data;
        }""",
        resident_id,
    )
    assert decoded and decoded.startswith("p")
    page.evaluate("(token) => window.pinganScanCard(token)", decoded)
    result = page.locator("[data-testid=scan-result]")
    wait_until(page, "document.getElementById('scan-result').dataset.kind === 'ok'", timeout=10_000)
    assert "张三丰" in result.inner_text() and "+3" in result.inner_text()
    page.wait_for_timeout(1300)  # the scanner's own pause between two scans of one card
    page.evaluate("(token) => window.pinganScanCard(token)", decoded)
    wait_until(
        page, "document.getElementById('scan-result').dataset.kind === 'already'", timeout=10_000
    )


def test_the_live_page_swaps_in_the_next_code_before_the_old_one_expires(
    browser, app, db_url, tmp_path, town, make_event, session
):
    from support.browser import start_server

    event = make_event()
    event_id = event.id
    session.commit()
    server = start_server(db_url, tmp_path / "fast", extra_env={"CHECKIN_ROTATE_SECONDS": "5"})
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = context.new_page()
    try:
        _login(page, server.url, town.staff_a)
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{server.url}/events/{event_id}/live")
        first = _decode(page.locator("[data-testid=live-qr]").screenshot())
        page.evaluate("window.__marker = 'same page'")
        wait_until(
            page,
            f"document.getElementById('live').dataset.token !== {first.rsplit('/', 1)[1]!r}",
            timeout=12_000,
        )
        second = _decode(page.locator("[data-testid=live-qr]").screenshot())
        assert second != first and second.startswith(f"{server.url}/c/")
        assert page.evaluate("window.__marker") == "same page"
    finally:
        context.close()
        server.stop()


def test_the_scanner_checks_in_a_card_shown_to_the_camera(
    browser, live_server, town, make_event, session, tmp_path
):
    """Chromium's fake camera shows a printed card; the vendored qr-scanner reads it."""

    from points.models import Checkin
    from points.people.cards import card_token

    event = make_event(points=4)
    event_id, resident_id = event.id, town.resident_a.id
    token = card_token("test-secret", town.resident_a)  # live_server's SECRET_KEY
    session.commit()
    with phone_camera_showing(browser, tmp_path, token, size=320) as tab:
        _login(tab, live_server.url, town.admin_a)
        tab.wait_for_url(lambda url: "/login" not in url)
        tab.goto(f"{live_server.url}/events/{event_id}/scan")
        wait_until(tab, "document.getElementById('scan-result').dataset.kind === 'ok'")
        assert "张三丰" in tab.locator("[data-testid=scan-result]").inner_text()
    session.rollback()
    rows = session.query(Checkin).filter_by(event_id=event_id, resident_id=resident_id).all()
    assert [(row.method, row.points) for row in rows] == [("card", 4)]
