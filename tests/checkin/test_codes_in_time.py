"""With the server clock under control: how long does a code stay good?"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from checkin.helpers import counts

T0 = datetime(2026, 5, 1, 1, 0, 0, tzinfo=UTC)  # 09:00 in Shanghai, at a step boundary


def _qr(client, auth, staff, event, mode=None):
    query = f"?mode={mode}" if mode else ""
    return client.get(
        f"/api/v1/events/{event.id}/qr{query}", headers=auth.headers(staff)
    ).get_json()


def _scan(client, auth, person, token):
    return client.post("/api/v1/checkins", json={"token": token}, headers=auth.headers(person))


def test_a_code_of_the_previous_step_still_works(client, auth, town, make_event):
    with time_machine.travel(T0, tick=False) as clock:
        event = make_event()
        token = _qr(client, auth, town.staff_a, event)["token"]
        clock.shift(timedelta(seconds=45))  # the next step has begun
        assert _qr(client, auth, town.staff_a, event)["token"] != token
        assert _scan(client, auth, town.resident_a, token).status_code == 201


def test_a_code_two_steps_old_is_refused(client, auth, town, make_event, session):
    with time_machine.travel(T0, tick=False) as clock:
        event = make_event()
        token = _qr(client, auth, town.staff_a, event)["token"]
        clock.shift(timedelta(seconds=61))
        before = counts(session)
        answer = _scan(client, auth, town.resident_a, token)
        assert answer.status_code == 422 and answer.get_json()["reason"] == "expired"
        assert counts(session) == before


def test_the_rotation_follows_the_configured_seconds(app, client, auth, town, make_event):
    app.config["CHECKIN_ROTATE_SECONDS"] = 15
    with time_machine.travel(T0, tick=False) as clock:
        event = make_event()
        shown = _qr(client, auth, town.staff_a, event)
        assert shown["expires_in"] == 15
        clock.shift(timedelta(seconds=31))
        answer = _scan(client, auth, town.resident_a, shown["token"])
        assert answer.get_json()["reason"] == "expired"


def test_a_village_setting_overrides_the_rotation(session, client, auth, town, make_event):
    from points.db import write_transaction
    from points.places import settings

    with write_transaction(session):
        settings.put(session, "checkin_rotate_seconds", 60, town.place_a)
    with time_machine.travel(T0, tick=False) as clock:
        event = make_event()
        shown = _qr(client, auth, town.staff_a, event)
        assert shown["rotate_seconds"] == 60
        clock.shift(timedelta(seconds=100))  # previous step of 60 s: still good
        assert _scan(client, auth, town.resident_a, shown["token"]).status_code == 201


def test_a_poster_code_holds_until_check_in_closes(client, auth, town, make_event, session):
    with time_machine.travel(T0, tick=False) as clock:
        event = make_event(qr_mode="static")
        token = _qr(client, auth, town.staff_a, event, "static")["token"]
        clock.shift(timedelta(hours=2))
        assert _scan(client, auth, town.resident_a, token).status_code == 201
        clock.shift(timedelta(hours=1))
        late = _scan(client, auth, town.resident_a2, token)
        assert late.get_json()["reason"] == "too_late"


def test_a_rotating_code_shown_for_a_static_event_is_refused(client, auth, town, make_event):
    with time_machine.travel(T0, tick=False):
        event = make_event(qr_mode="static")
        token = _qr(client, auth, town.staff_a, event, "rotating")["token"]
        assert _scan(client, auth, town.resident_a, token).get_json()["reason"] == "revoked"


def test_a_town_setting_sets_the_rotation_of_a_town_wide_event(
    session, client, auth, town, make_event
):
    from points.db import write_transaction
    from points.places import settings

    with write_transaction(session):
        settings.put(session, "checkin_rotate_seconds", 60, town.place)
    with time_machine.travel(T0, tick=False) as clock:
        event = make_event(village=None)
        shown = _qr(client, auth, town.staff_a, event)
        assert shown["rotate_seconds"] == 60
        clock.shift(timedelta(seconds=100))  # previous step of 60 s: still good
        assert _scan(client, auth, town.resident_a, shown["token"]).status_code == 201
