"""Does the page a phone's camera opens lead a resident to their points, in their language?"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from checkin.helpers import balance_of, counts, rotating_code

T0 = datetime(2026, 5, 1, 1, 0, 0, tzinfo=UTC)


def test_a_logged_out_resident_logs_in_and_comes_back_to_confirm(
    client, auth, town, make_event, session
):
    event = make_event(points=8)
    first = client.get(f"/c/{rotating_code(event)}")
    assert first.status_code == 302 and "/login?next=" in first.headers["Location"]
    login = client.post(
        "/login",
        data={"phone": town.resident_a.phone, "password": "secret123", "next": "/c/confirm"},
    )
    assert login.headers["Location"].endswith("/c/confirm")
    confirm = client.get("/c/confirm")
    assert "夜间治安巡防" in confirm.text and "确认签到" in confirm.text
    done = client.post("/c/confirm", data={"event_id": event.id})
    assert done.status_code == 200
    assert 'data-outcome="awarded"' in done.text and "+8" in done.text
    assert balance_of(session, town.resident_a) == 8


def test_the_scan_kept_in_the_session_outlives_the_code_but_not_ten_minutes(
    client, auth, town, make_event, session
):
    with time_machine.travel(T0, tick=False) as clock:
        event = make_event()
        client.get(f"/c/{rotating_code(event)}")
        clock.shift(timedelta(minutes=3))  # the code itself is long gone
        auth.login(town.resident_a)
        assert 'data-outcome="awarded"' in client.post("/c/confirm").text
    with time_machine.travel(T0, tick=False) as clock:
        client.get(f"/c/{rotating_code(event)}")
        clock.shift(timedelta(minutes=11))
        before = counts(session)
        late = client.post("/c/confirm")
        assert late.status_code == 410 and "请重新扫码" in late.text
        assert counts(session) == before


def test_a_repeat_scan_shows_the_original_time(client, auth, town, make_event):
    event = make_event()
    auth.login(town.resident_a)
    client.get(f"/c/{rotating_code(event)}")
    client.post("/c/confirm")
    client.get(f"/c/{rotating_code(event)}")
    again = client.post("/c/confirm")
    assert 'data-outcome="already"' in again.text and "签到时间" in again.text


def test_a_refused_scan_says_exactly_why_in_english_too(client, auth, town, make_event):
    event = make_event(starts_in=timedelta(hours=3))
    answer = client.get(f"/c/{rotating_code(event)}")
    assert answer.status_code == 409
    assert 'data-reason="too_early"' in answer.text and "签到还没开始" in answer.text
    client.get("/lang/en")
    english = client.get(f"/c/{rotating_code(event)}")
    assert 'data-reason="too_early"' in english.text
    assert 'lang="en"' in english.text


def test_a_forged_code_page_writes_nothing(client, town, session):
    before = counts(session)
    answer = client.get("/c/e1.r1.1.forged")
    assert answer.status_code == 422 and 'data-reason="invalid"' in answer.text
    assert counts(session) == before


@pytest.mark.parametrize(
    "path",
    [
        "/events/{id}",
        "/events/{id}/live",
        "/events/{id}/poster",
        "/events/{id}/scan",
        "/events/{id}/manual?q=张",
        "/events/manage",
        "/events/new",
        "/events",
    ],
)
def test_the_staff_pages_open(client, auth, town, make_event, path):
    event = make_event()
    auth.login(town.admin_a)
    answer = client.get(path.format(id=event.id))
    assert answer.status_code == 200, answer.text[:300]


def test_staff_of_another_village_cannot_open_the_live_page(client, auth, town, make_event):
    event = make_event("b")
    auth.login(town.staff_a)
    assert client.get(f"/events/{event.id}/live").status_code == 403


def test_an_admin_creates_an_event_from_the_form_in_local_time(
    client, auth, town, categories, session
):
    from sqlalchemy import select

    from points.models import Event

    auth.login(town.admin_a)
    answer = client.post(
        "/events/new",
        data={
            "title": "反诈宣传进村",
            "category_id": categories["anti_fraud"].id,
            "village_id": town.village_a.id,
            "starts_at": "2026-06-01T19:00",
            "ends_at": "2026-06-01T21:00",
            "qr_mode": "rotating",
            "status": "published",
        },
    )
    assert answer.status_code == 302
    event = session.scalar(select(Event).where(Event.title == "反诈宣传进村"))
    assert event.starts_at == datetime(2026, 6, 1, 11, 0)  # 19:00 Shanghai = 11:00 UTC
    assert event.checkin_opens_at == datetime(2026, 6, 1, 10, 30)
    assert event.points == categories["anti_fraud"].default_points


def test_staff_check_a_resident_in_by_hand(client, auth, town, make_event, session):
    event = make_event(points=6)
    auth.login(town.staff_a)
    answer = client.post(
        f"/events/{event.id}/manual",
        data={"resident_id": town.resident_a2.id, "q": "李"},
        follow_redirects=True,
    )
    assert "李四 签到成功" in answer.text
    assert balance_of(session, town.resident_a2) == 6


def test_my_card_page_shows_a_qr_card(client, auth, town):
    auth.login(town.resident_a)
    answer = client.get("/me/card")
    assert answer.status_code == 200 and "<svg" in answer.text and "张三丰" in answer.text
