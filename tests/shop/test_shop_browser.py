"""In a real phone browser: redeem, approve in the queue, show the voucher QR, hand over."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from shop_helpers import keep_artifact
from sqlalchemy import select
from support.browser import phone_camera_showing

from points.extensions import db
from points.models import Redemption

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def log_in(tab, base: str, user) -> None:
    tab.goto(base + "/login")
    tab.fill("#phone", user.phone)
    tab.fill("#password", "secret123")
    tab.click("button[type=submit]")
    tab.wait_for_load_state()


def test_resident_redeems_admin_approves_voucher_qr_decodes_and_handover_fulfils(
    live_server, browser, page, session, town, give, make_reward
):
    give(town.resident_a, 100)
    make_reward(name="大米 5斤", cost=30, stock=5)
    db.session.commit()
    base = live_server.url

    # The resident finds the rice, can afford it, and asks for two bags.
    log_in(page, base, town.resident_a)
    page.goto(base + "/shop")
    card = page.locator("[data-testid=reward]", has_text="大米 5斤")
    assert card.locator("[data-testid=affordable]").is_visible()
    card.locator("a.reward-link").click()
    page.fill("#quantity", "2")
    page.click("[data-testid=redeem]")
    page.wait_for_url("**/shop/mine")
    item = page.locator("[data-testid=redemption]").first
    assert item.get_attribute("data-status") == "pending"
    assert page.locator("[data-testid=available]").inner_text() == "40"

    # The village admin approves it in the queue, on their own phone.
    admin_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    admin = admin_context.new_page()
    admin.set_default_timeout(10_000)
    log_in(admin, base, town.admin_a)
    admin.goto(base + "/admin/shop/queue")
    row = admin.locator("[data-testid=queue-item][data-status=pending]").first
    row.locator("[data-testid=approve]").click()
    admin.wait_for_load_state()
    assert "已通过" in admin.locator(".flash-success").inner_text()

    # The resident's page now shows a voucher QR that a scanner reads as the voucher code.
    page.reload()
    assert page.locator("[data-testid=unread-notices]").first.is_visible()
    code = page.locator("[data-testid=voucher-code]").inner_text().strip()
    shot = page.locator("[data-testid=voucher-qr]").screenshot()
    keep_artifact("shop-voucher-qr.png", shot)
    decoded = decode(Image.open(io.BytesIO(shot)))
    assert [symbol.data.decode() for symbol in decoded] == [code]

    # At the counter the admin types the code (lower case, as people do) and hands over.
    admin.goto(base + "/admin/shop/handover")
    admin.fill("#code", code.lower())
    admin.click("[data-testid=fulfil]")
    assert admin.locator("[data-testid=handover-done]").is_visible()
    admin_context.close()

    session.commit()
    done = session.scalar(select(Redemption))
    assert (done.status, done.voucher_code, done.fulfilled_by) == (
        "fulfilled",
        code,
        town.admin_a.id,
    )
    page.reload()
    assert page.locator("[data-testid=redemption]").first.get_attribute("data-status") == (
        "fulfilled"
    )


def test_the_shop_pages_fit_a_360px_phone(live_server, page, session, town, give, make_reward):
    give(town.resident_a, 100)
    for name in ("大米 5斤", "食用油", "洗衣液", "香皂", "毛巾"):
        make_reward(name=name, cost=20)
    db.session.commit()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, town.resident_a)
    for path in ("/shop", "/shop/mine"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)


def test_the_handover_page_scans_a_voucher_with_the_camera(
    live_server, browser, session, town, give, make_reward, tmp_path
):
    """Chromium's fake camera shows the voucher QR; the vendored qr-scanner reads and submits it."""

    from points.shop import redemption

    give(town.resident_a, 100)
    rice = make_reward(cost=30)
    made = redemption.request(session, resident=town.resident_a, reward_id=rice.id, quantity=1)
    code = redemption.approve(session, actor=town.admin_a, redemption_id=made.id).voucher_code
    db.session.commit()
    with phone_camera_showing(browser, tmp_path, code, size=300) as tab:
        log_in(tab, live_server.url, town.admin_a)
        tab.goto(live_server.url + "/admin/shop/handover")
        tab.click("#scanner-start")
        tab.wait_for_selector("[data-testid=handover-done]")
    session.commit()
    assert session.get(Redemption, made.id).status == "fulfilled"
