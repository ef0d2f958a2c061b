"""On a 360 px phone: does the printed door code lead a grid worker, through the camera, to a
recorded and confirmed home visit?"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import select
from support.accounts import PASSWORD
from support.browser import phone_camera_showing

from points import ledger
from points.models import HomeVisit
from points.visits.doors import read_door

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE_360 = {"width": 360, "height": 740}
MEASURE = (Path(__file__).parents[1] / "field" / "phone_measure.js").read_text()


def _login(tab, base: str, person) -> None:
    tab.goto(base + "/login")
    tab.fill("#phone", person.phone)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(lambda url: "/login" not in url)


def test_a_grid_worker_scans_the_printed_door_code_and_records_a_confirmed_visit(
    app, browser, live_server, visits_town, session, tmp_path
):
    town = visits_town
    household = town.resident_a.household_id
    session.commit()
    base = live_server.url
    # The door sheet as printed: its code decodes (zbar) to the household's visit page.
    context = browser.new_context(viewport=PHONE_360, device_scale_factor=2, locale="zh-CN")
    sheet = context.new_page()
    try:
        _login(sheet, base, town.staff_a)
        sheet.goto(f"{base}/visits/doors?grid_id={town.grid.id}")
        shot = sheet.locator(f'[data-household="{household}"] .qr').screenshot()
    finally:
        context.close()
    found = [code.data.decode() for code in decode(Image.open(io.BytesIO(shot)))]
    assert len(found) == 1 and found[0].startswith(f"{base}/visits/door/")
    assert read_door(app.config["SECRET_KEY"], found[0]) == household

    with phone_camera_showing(browser, tmp_path, found[0], size=320) as tab:
        tab.set_viewport_size(PHONE_360)
        _login(tab, base, town.staff_a)
        tab.goto(f"{base}/visits/")
        assert tab.evaluate(MEASURE) == []
        tab.click('[data-testid="scan-door"]')
        tab.wait_for_url(f"**/visits/households/{household}", timeout=30_000)
        assert tab.evaluate(MEASURE) == []
        tab.fill("#note", "老人独居，燃气灶软管老化")
        tab.fill("#follow_up", "下周换软管")
        tab.check("input[name=hazard_found]")
        tab.check('[data-testid="in-person"]')
        tab.check(f'input[name=member_id][value="{town.resident_a2.id}"]')
        tab.click('[data-testid="record-visit"]')
        tab.wait_for_url("**/visits/?*")
        text = tab.inner_text("body")
        assert "家访已记录" in text and "隐患或纠纷" in text
        row = tab.locator(f'[data-testid="household-{household}"]')
        assert row.get_attribute("data-due") == "0"
        assert tab.evaluate(MEASURE) == []
    session.rollback()
    visit = session.scalars(select(HomeVisit)).one()
    assert (visit.confirmed_by, visit.confirmation, visit.hazard_found, visit.member_points) == (
        town.resident_a2.id,
        "in_person",
        True,
        8,
    )
    assert ledger.verify(session).ok
