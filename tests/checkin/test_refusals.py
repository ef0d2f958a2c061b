"""Is every wrong check-in refused with its reason code, and is nothing written?"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from checkin.helpers import SECRET, card_code, counts, rotating_code, static_code
from points.checkin import events
from points.checkin.codes import EventCode, make_event_code
from points.db import write_transaction
from points.models import User


def _self(client, auth, person, token, **extra):
    return client.post(
        "/api/v1/checkins", json={"token": token, **extra}, headers=auth.headers(person)
    )


def _refused(answer, reason: str, status: int) -> None:
    body = answer.get_json()
    assert answer.status_code == status, body
    assert body["reason"] == reason
    assert body["message"]


def test_a_forged_code_is_refused_as_invalid(client, auth, town, make_event, session):
    event = make_event()
    forged = make_event_code("not-our-secret", EventCode(event.id, "rotating", 0, 1))
    before = counts(session)
    _refused(_self(client, auth, town.resident_a, forged), "invalid", 422)
    _refused(_self(client, auth, town.resident_a, "garbage"), "invalid", 422)
    assert counts(session) == before


def test_a_code_two_steps_old_is_refused_as_expired(client, auth, town, make_event, session):
    event = make_event()
    before = counts(session)
    _refused(
        _self(client, auth, town.resident_a, rotating_code(event, step_offset=-2)), "expired", 422
    )
    assert counts(session) == before


def test_a_code_from_the_future_is_refused_as_invalid(client, auth, town, make_event, session):
    event = make_event()
    before = counts(session)
    _refused(
        _self(client, auth, town.resident_a, rotating_code(event, step_offset=2)), "invalid", 422
    )
    assert counts(session) == before


def test_a_regenerated_key_revokes_the_old_code(client, auth, town, make_event, session):
    event = make_event()
    old = rotating_code(event)
    events.regenerate_key(session, town.staff_a, event.id)
    before = counts(session)
    _refused(_self(client, auth, town.resident_a, old), "revoked", 422)
    assert counts(session) == before
    assert _self(client, auth, town.resident_a, rotating_code(event)).status_code == 201


def test_a_poster_code_of_a_rotating_event_is_refused_as_revoked(
    client, auth, town, make_event, session
):
    event = make_event()
    before = counts(session)
    _refused(_self(client, auth, town.resident_a, static_code(event)), "revoked", 422)
    assert counts(session) == before


def test_a_code_of_another_event_is_refused(client, auth, town, make_event, session):
    event = make_event()
    other = make_event(title="消防演练")
    before = counts(session)
    answer = _self(client, auth, town.resident_a, rotating_code(other), event_id=event.id)
    _refused(answer, "other_event", 422)
    assert counts(session) == before


@pytest.mark.parametrize(
    ("starts_in", "reason"),
    [(timedelta(hours=2), "too_early"), (-timedelta(hours=5), "too_late")],
)
def test_a_scan_outside_the_window_is_refused(
    client, auth, town, make_event, session, starts_in, reason
):
    event = make_event(starts_in=starts_in)
    before = counts(session)
    _refused(_self(client, auth, town.resident_a, rotating_code(event)), reason, 409)
    assert counts(session) == before


@pytest.mark.parametrize(
    ("action", "reason"), [(None, "not_published"), ("close", "closed"), ("cancel", "cancelled")]
)
def test_an_event_not_open_refuses_check_ins(
    client, auth, town, make_event, session, action, reason
):
    if action is None:
        event = make_event(status="draft")
    else:
        event = make_event()
        events.change_status(session, town.admin_a, event.id, action)
    before = counts(session)
    _refused(_self(client, auth, town.resident_a, rotating_code(event)), reason, 409)
    staff = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"resident_id": town.resident_a.id},
        headers=auth.headers(town.staff_a),
    )
    _refused(staff, reason, 409)
    assert counts(session) == before


def test_a_full_event_refuses_the_next_resident_but_answers_already_to_the_first(
    client, auth, town, make_event, session
):
    event = make_event(capacity=1)
    assert _self(client, auth, town.resident_a, rotating_code(event)).status_code == 201
    before = counts(session)
    _refused(_self(client, auth, town.resident_a2, rotating_code(event)), "capacity_reached", 409)
    assert counts(session) == before
    assert _self(client, auth, town.resident_a, rotating_code(event)).get_json()["already"]


def test_a_resident_of_another_village_is_refused_at_a_village_event(
    client, auth, town, make_event, session
):
    event = make_event("a")
    before = counts(session)
    _refused(_self(client, auth, town.resident_b, rotating_code(event)), "other_village", 403)
    assert counts(session) == before


def test_a_suspended_resident_is_refused(client, auth, town, make_event, session):
    event = make_event()
    headers = auth.headers(town.staff_a)
    with write_transaction(session):
        session.execute(update(User).where(User.id == town.resident_a.id).values(active=False))
    before = counts(session)
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"card_token": card_code(town.resident_a)},
        headers=headers,
    )
    _refused(answer, "suspended", 403)
    assert counts(session) == before


def test_staff_cannot_check_in_at_another_villages_event(client, auth, town, make_event, session):
    event = make_event("b")
    before = counts(session)
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"card_token": card_code(town.resident_b)},
        headers=auth.headers(town.staff_a),
    )
    _refused(answer, "other_village", 403)
    assert counts(session) == before


def test_a_reissued_card_voids_the_old_one(client, auth, town, make_event, session):
    event = make_event()
    old = card_code(town.resident_a)
    with write_transaction(session):
        session.execute(update(User).where(User.id == town.resident_a.id).values(card_version=2))
    before = counts(session)
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"card_token": old},
        headers=auth.headers(town.staff_a),
    )
    _refused(answer, "revoked", 422)
    assert counts(session) == before
    fresh = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"card_token": card_code(town.resident_a, version=2)},
        headers=auth.headers(town.staff_a),
    )
    assert fresh.status_code == 201


def test_an_event_code_is_not_a_card(client, auth, town, make_event, session):
    event = make_event()
    before = counts(session)
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"card_token": rotating_code(event)},
        headers=auth.headers(town.staff_a),
    )
    _refused(answer, "invalid", 422)
    assert counts(session) == before


def test_a_revoked_code_is_refused_even_for_someone_already_checked_in(
    client, auth, town, make_event, session
):
    """Validity comes before duplicates: a revoked code is never answered 'already'."""
    event = make_event()
    old = rotating_code(event)
    assert _self(client, auth, town.resident_a, old).status_code == 201
    events.regenerate_key(session, town.staff_a, event.id)
    _refused(_self(client, auth, town.resident_a, old), "revoked", 422)


def test_the_secret_really_is_the_apps(app):
    assert app.config["SECRET_KEY"] == SECRET
