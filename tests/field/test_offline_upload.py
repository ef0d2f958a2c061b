"""Is a scan made offline judged at the moment it was made, exactly once, however often sent?"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checkin.helpers import card_code, counts
from sqlalchemy import func, select

from points.models import Checkin, IdempotencyRecord, OfflineScan, utcnow


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).isoformat()


def _upload(client, headers, event, person, scanned_at, key, **extra):
    return client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={
            "card_token": card_code(person),
            "scanned_at": _iso(scanned_at),
            "device_id": "phone-1",
            **extra,
        },
        headers={**headers, "Idempotency-Key": key},
    )


def test_a_scan_made_in_the_window_is_awarded_after_the_event_has_ended(
    client, auth, town, make_event, session
):
    event = make_event(points=6, starts_in=-timedelta(hours=5))  # ended three hours ago
    headers = auth.headers(town.staff_a)
    scanned = utcnow() - timedelta(hours=4)
    answer = _upload(client, headers, event, town.resident_a, scanned, "k-1")
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["points"] == 6
    session.rollback()
    kept = session.scalar(select(OfflineScan))
    assert (kept.key, kept.device_id, kept.outcome) == ("k-1", "phone-1", "awarded")


def test_the_same_scan_uploaded_again_gets_its_first_answer_and_nothing_new(
    client, auth, town, make_event, session
):
    event = make_event(points=6)
    headers = auth.headers(town.staff_a)
    scanned = utcnow() - timedelta(minutes=1)
    first = _upload(client, headers, event, town.resident_a, scanned, "k-2")
    before = counts(session)
    again = _upload(client, headers, event, town.resident_a, scanned, "k-2")
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    # The same key with the idempotency record gone (a second device's list): still once.
    session.execute(IdempotencyRecord.__table__.delete())
    session.commit()
    third = _upload(client, headers, event, town.resident_a, scanned, "k-2")
    assert third.status_code == 201 and third.get_json()["already"] is False
    assert counts(session) == before
    # Another card scanned by the same phone is a new key and a new award.
    other = _upload(client, headers, event, town.resident_a2, scanned, "k-3")
    assert other.status_code == 201
    assert session.scalar(select(func.count()).select_from(Checkin)) == before[0] + 1


def test_a_scan_older_than_the_lag_is_refused_with_its_reason_and_nothing_written(
    client, auth, town, make_event, session
):
    event = make_event(starts_in=-timedelta(hours=30))
    headers = auth.headers(town.staff_a)
    before = counts(session)
    answer = _upload(client, headers, event, town.resident_a, utcnow() - timedelta(hours=29), "o")
    assert answer.status_code == 409
    assert answer.get_json()["reason"] == "offline_too_old"
    assert "24 小时" in answer.get_json()["message"]
    assert counts(session) == before
    assert session.scalar(select(func.count()).select_from(OfflineScan)) == 0


def test_the_lag_is_a_setting_of_the_place(client, auth, town, make_event, session):
    from points.places import settings

    settings.update(session, town.town_admin, town.place, {"offline_max_lag_hours": 2})
    event = make_event(starts_in=-timedelta(hours=5))
    before = counts(session)
    answer = _upload(
        client,
        auth.headers(town.staff_a),
        event,
        town.resident_a,
        utcnow() - timedelta(hours=4),
        "l",
    )
    assert answer.status_code == 409 and answer.get_json()["reason"] == "offline_too_old"
    assert counts(session) == before


def test_a_scan_outside_the_window_is_refused_with_its_reason_and_nothing_written(
    client, auth, town, make_event, session
):
    event = make_event(starts_in=-timedelta(hours=5))  # window closed three hours ago
    before = counts(session)
    answer = _upload(
        client,
        auth.headers(town.staff_a),
        event,
        town.resident_a,
        utcnow() - timedelta(hours=1),
        "w",
    )
    assert answer.status_code == 409 and answer.get_json()["reason"] == "too_late"
    early = _upload(
        client,
        auth.headers(town.staff_a),
        event,
        town.resident_a,
        utcnow() - timedelta(hours=7),
        "e",
    )
    assert early.status_code == 409 and early.get_json()["reason"] == "too_early"
    assert counts(session) == before
    assert session.scalar(select(func.count()).select_from(OfflineScan)) == 0


def test_a_scan_from_the_future_or_without_a_key_is_refused(
    client, auth, town, make_event, session
):
    event = make_event()
    headers = auth.headers(town.staff_a)
    before = counts(session)
    future = _upload(client, headers, event, town.resident_a, utcnow() + timedelta(hours=1), "f")
    assert future.status_code == 422 and future.get_json()["reason"] == "offline_future"
    keyless = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"card_token": card_code(town.resident_a), "scanned_at": _iso(utcnow())},
        headers=headers,
    )
    assert keyless.status_code == 422
    assert counts(session) == before
