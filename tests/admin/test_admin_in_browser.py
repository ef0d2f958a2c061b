"""In a real Chromium: does the dashboard draw its charts, and do the cards print 8 to a page?"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import decode
from sqlalchemy import select

from points import demo
from points.models import Role, User, Village
from points.people.cards import card_token

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(page, base: str, phone: str, password: str = demo.PASSWORD) -> None:
    page.goto(base + "/login")
    page.fill("#phone", phone)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_dashboard_draws_its_charts_from_the_demo_data_for_a_town_and_for_the_city(
    live_server, demo_city, page, keep_artifact
):
    log_in(page, live_server.url, demo.TOWN_ADMIN[1])  # 谷来镇's admin
    page.goto(live_server.url + "/admin/")
    bars = page.locator("svg.chart-bar rect.bar")
    assert bars.count() == 12
    heights = [float(bars.nth(i).get_attribute("height")) for i in range(12)]
    assert sum(1 for h in heights if h > 0) >= 3  # four months of demo history
    box = page.locator("svg.chart-bar").bounding_box()
    assert box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
    assert page.locator("svg.chart-line polyline.series").count() == 3
    assert int(page.locator("[data-testid=residents]").inner_text()) == 60
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
    keep_artifact("admin-dashboard.png", page.screenshot(full_page=True))
    # The city admin sees both towns: all 120 residents and every town's villages.
    page.context.clear_cookies()
    log_in(page, live_server.url, demo.CITY_ADMIN[1])
    page.goto(live_server.url + "/admin/")
    assert int(page.locator("[data-testid=residents]").inner_text()) == 120
    for village in ("谷来村", "马村", "施家岙村", "苍岩村"):
        assert village in page.content()
    keep_artifact("admin-dashboard-city.png", page.screenshot(full_page=True))


def test_the_card_sheet_prints_eight_cards_on_the_first_a4_page(
    app, live_server, demo_city, page, keep_artifact
):
    session = demo_city
    village = session.scalar(select(Village).where(Village.code == "GL01"))
    residents = session.scalars(
        select(User)
        .where(User.village_id == village.id, User.role == Role.RESIDENT.value)
        .order_by(User.village_id, User.household_id, User.id)
    ).all()
    assert len(residents) == 20
    log_in(page, live_server.url, "13900000001")  # 谷来村's admin
    page.goto(live_server.url + "/admin/residents/cards")
    # The first card's QR, as a camera sees it, holds exactly the signed card token.
    shot = page.locator("[data-testid=card] .qr").first.screenshot()
    found = decode(Image.open(io.BytesIO(shot)))
    assert [f.data.decode() for f in found] == [card_token(app.config["SECRET_KEY"], residents[0])]
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    keep_artifact("card-sheet.pdf", pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3  # 20 cards: 8 + 8 + 4
    width_pt, height_pt = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width_pt - 595) < 3 and abs(height_pt - 842) < 3  # A4
    serials = [reader.pages[i].extract_text().count("No. ") for i in range(3)]
    assert serials == [8, 8, 4]
    first_page = reader.pages[0].extract_text()
    assert all(f"No. {r.id:06d}-1" in first_page for r in residents[:8])
    assert f"No. {residents[8].id:06d}-1" not in first_page
