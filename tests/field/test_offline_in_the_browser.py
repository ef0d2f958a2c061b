"""Offline in a real browser: does a grid worker's phone keep scans without signal, survive a
reload, and upload them exactly once when the signal comes back?"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from support.accounts import PASSWORD
from support.browser import PHONE, chromium_with_camera, wait_until

from points.models import Checkin, OfflineScan, Transfer
from points.people.cards import card_token

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "test-secret"  # live_server's SECRET_KEY


def _login(tab, base: str, person) -> None:
    tab.goto(base + "/login")
    tab.fill("#phone", person.phone)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_load_state()


def _write_cards_video(tokens: list[str], path, *, frames_each: int = 8) -> None:
    """A looping Y4M film showing each card's QR code in turn (5 frames a second)."""
    import qrcode
    from PIL import Image

    with open(path, "wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F5:1 Ip A1:1 C420jpeg\n")
        for token in tokens:
            frame = Image.new("RGB", (640, 480), "white")
            code = qrcode.make(token, box_size=8).get_image().convert("RGB").resize((300, 300))
            frame.paste(code, (170, 90))
            y, cb, cr = frame.convert("YCbCr").split()
            raw = y.tobytes() + cb.resize((320, 240)).tobytes() + cr.resize((320, 240)).tobytes()
            for _ in range(frames_each):
                out.write(b"FRAME\n" + raw)


@contextmanager
def _phone_with_camera(browser, video):
    with chromium_with_camera(browser, video) as chromium:
        context = chromium.new_context(viewport=PHONE, locale="zh-CN")
        context.grant_permissions(["camera"])
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield context, tab


def _five_residents(town, make_person) -> list:
    more = [make_person(town.village_a, name=n) for n in ("罗建国", "王芳", "陈明")]
    return [town.resident_a, town.resident_a2, *more]


def _checkins(session, event_id) -> int:
    session.rollback()
    return session.scalar(
        select(func.count()).select_from(Checkin).where(Checkin.event_id == event_id)
    )


def _transfers(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Transfer))


def _pending(tab) -> int:
    return int(tab.locator("[data-testid=queue-count]").inner_text())


def _wait_uploaded(tab, states: dict) -> None:
    """Wait until nothing waits and the list shows these answers (state → how many)."""
    condition = " && ".join(
        f"document.querySelectorAll('#queue-list [data-state={state}]').length === {n}"
        for state, n in states.items()
    )
    wait_until(
        tab, f"document.getElementById('field-queue').dataset.pending === '0' && {condition}"
    )


def test_five_cards_scanned_offline_survive_a_reload_and_are_awarded_once_online(
    browser, live_server, town, make_event, make_person, session, tmp_path
):
    event = make_event(points=4)
    people = _five_residents(town, make_person)
    tokens = [card_token(SECRET, p) for p in people]
    event_id = event.id
    session.commit()
    _write_cards_video(tokens, tmp_path / "cards.y4m")
    with _phone_with_camera(browser, tmp_path / "cards.y4m") as (context, tab):
        _login(tab, live_server.url, town.staff_a)
        # Online once: the manual page installs the service worker, which keeps the scanner.
        tab.goto(f"{live_server.url}/events/{event_id}/manual")
        wait_until(tab, "document.getElementById('field-queue').dataset.offlineReady")
        context.set_offline(True)
        tab.goto(f"{live_server.url}/events/{event_id}/scan")  # from the kept copy
        wait_until(tab, "Number(document.getElementById('queue-count').textContent) === 5")
        assert _checkins(session, event_id) == 0
        tab.reload()  # still without signal
        wait_until(tab, "document.getElementById('field-queue').dataset.loaded")
        assert _pending(tab) == 5
        assert tab.locator("#queue-list [data-state=pending]").count() == 5
        assert _checkins(session, event_id) == 0
        transfers = _transfers(session)

        context.set_offline(False)
        _wait_uploaded(tab, {"awarded": 5})
        assert _checkins(session, event_id) == 5
        assert _transfers(session) == transfers + 5
        names = tab.locator("#queue-list").inner_text()
        assert all(p.name in names for p in people)

        tab.evaluate("window.pinganQueue.uploadAgain()")
        _wait_uploaded(tab, {"awarded": 5})
        assert _checkins(session, event_id) == 5
        assert _transfers(session) == transfers + 5
    session.rollback()
    kept = session.scalars(select(OfflineScan).where(OfflineScan.event_id == event_id)).all()
    assert len(kept) == 5 and len({k.device_id for k in kept}) == 1


def test_a_network_cut_in_the_middle_of_the_upload_resumes_and_still_awards_five(
    page, live_server, town, make_event, make_person, session
):
    event = make_event(points=4)
    people = _five_residents(town, make_person)
    tokens = [card_token(SECRET, p) for p in people] + [card_token(SECRET, town.resident_b)]
    event_id = event.id
    session.commit()
    context = page.context
    _login(page, live_server.url, town.staff_a)
    page.goto(f"{live_server.url}/events/{event_id}/scan")
    wait_until(page, "document.getElementById('field-queue').dataset.loaded")
    context.set_offline(True)
    for token in tokens:
        page.evaluate("(t) => window.pinganScanCard(t)", token)
    wait_until(page, "Number(document.getElementById('queue-count').textContent) === 6")

    sent = []

    def cut_on_the_third(route):
        sent.append(route.request.headers.get("idempotency-key"))
        if len(sent) == 3:
            route.fetch()  # the server awards it, but the answer never reaches the phone
            context.set_offline(True)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/v1/events/*/checkins", cut_on_the_third)
    context.set_offline(False)
    wait_until(
        page,
        "!document.getElementById('field-queue').dataset.uploading && "
        "document.querySelectorAll('#queue-list [data-state=awarded]').length === 2",
    )
    assert _checkins(session, event_id) == 3  # the third arrived; its answer was lost
    page.unroute("**/api/v1/events/*/checkins")
    context.set_offline(False)
    _wait_uploaded(page, {"awarded": 5, "refused": 1})
    assert _checkins(session, event_id) == 5
    refused = page.locator("#queue-list [data-state=refused]")
    assert refused.get_attribute("data-reason") == "other_village"
    assert "未记分" in refused.inner_text()
