"""Can a resident check in once, and only once, through the API?"""

from __future__ import annotations

from checkin.helpers import SECRET, balance_of, card_code, counts, rotating_code
from points.people.cards import CardCode, make_card_code


def test_a_resident_scanning_the_live_code_gets_the_events_points(client, auth, town, make_event):
    event = make_event(points=12)
    answer = client.post(
        "/api/v1/checkins",
        json={"token": rotating_code(event)},
        headers=auth.headers(town.resident_a),
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["points"] == 12 and body["balance"] == 12 and body["already"] is False
    assert body["event_id"] == event.id


def test_a_second_scan_answers_already_with_the_original_time_and_awards_nothing(
    client, auth, town, make_event, session
):
    event = make_event(points=10)
    headers = auth.headers(town.resident_a)
    first = client.post("/api/v1/checkins", json={"token": rotating_code(event)}, headers=headers)
    before = counts(session)
    again = client.post("/api/v1/checkins", json={"token": rotating_code(event)}, headers=headers)
    assert again.status_code == 200
    assert again.get_json()["already"] is True
    assert again.get_json()["checked_in_at"] == first.get_json()["checked_in_at"]
    assert again.get_json()["balance"] == 10
    assert counts(session) == before
    assert balance_of(session, town.resident_a) == 10


def test_the_award_is_one_transfer_from_the_village_issuance_with_a_checkin_reference(
    client, auth, town, make_event, session
):
    from sqlalchemy import select

    from points.models import Account, Checkin, Transfer

    event = make_event(points=7)
    client.post(
        "/api/v1/checkins",
        json={"token": rotating_code(event)},
        headers=auth.headers(town.resident_a),
    )
    row = session.scalar(select(Checkin))
    moved = session.get(Transfer, row.transfer_id)
    debit = session.get(Account, moved.debit_account_id)
    assert moved.reference == f"checkin:{row.id}" and moved.kind == "award"
    assert (debit.kind, debit.village_id) == ("issuance", town.village_a.id)


def test_a_town_wide_event_is_paid_from_the_residents_own_village(
    client, auth, town, make_event, session
):
    from sqlalchemy import select

    from points.models import Account, Transfer

    event = make_event(None, points=5)
    answer = client.post(
        "/api/v1/checkins",
        json={"token": rotating_code(event)},
        headers=auth.headers(town.resident_b),
    )
    assert answer.status_code == 201
    moved = session.scalar(select(Transfer).where(Transfer.kind == "award"))
    assert session.get(Account, moved.debit_account_id).village_id == town.village_b.id


def test_staff_scan_a_printed_card_and_see_the_residents_name(client, auth, town, make_event):
    event = make_event(points=9)
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"card_token": card_code(town.resident_a)},
        headers=auth.headers(town.staff_a, **{"Idempotency-Key": "scan-1"}),
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["resident_name"] == "张三丰"
    assert answer.get_json()["method"] == "card"


def test_a_retried_card_scan_with_the_same_idempotency_key_replays_the_first_answer(
    client, auth, town, make_event, session
):
    event = make_event()
    headers = auth.headers(town.staff_a, **{"Idempotency-Key": "scan-7"})
    body = {"card_token": card_code(town.resident_a)}
    first = client.post(f"/api/v1/events/{event.id}/checkins", json=body, headers=headers)
    before = counts(session)
    again = client.post(f"/api/v1/events/{event.id}/checkins", json=body, headers=headers)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
    assert counts(session) == before


def test_a_manual_check_in_records_which_staff_acted(client, auth, town, make_event, session):
    from sqlalchemy import select

    from points.models import Checkin, Transfer

    event = make_event()
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"resident_id": town.resident_a2.id},
        headers=auth.headers(town.staff_a),
    )
    assert answer.status_code == 201
    row = session.scalar(select(Checkin))
    assert row.method == "manual" and row.actor_id == town.staff_a.id
    assert session.get(Transfer, row.transfer_id).actor_id == town.staff_a.id


def test_staff_need_exactly_one_of_card_token_or_resident_id(client, auth, town, make_event):
    event = make_event()
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins", json={}, headers=auth.headers(town.staff_a)
    )
    assert answer.status_code == 422


def test_a_resident_cannot_use_the_staff_check_in(client, auth, town, make_event, session):
    event = make_event()
    before = counts(session)
    answer = client.post(
        f"/api/v1/events/{event.id}/checkins",
        json={"resident_id": town.resident_a.id},
        headers=auth.headers(town.resident_a2),
    )
    assert answer.status_code == 403
    assert counts(session) == before


def test_the_card_svg_carries_the_raw_card_token(client, auth, town):
    from points.people.cards import read_card_code

    answer = client.get(
        f"/api/v1/residents/{town.resident_a.id}/card.svg", headers=auth.headers(town.admin_a)
    )
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert b"<svg" in answer.data
    assert read_card_code(SECRET, make_card_code(SECRET, CardCode(town.resident_a.id, 1)))
    other = client.get(
        f"/api/v1/residents/{town.resident_a.id}/card.svg", headers=auth.headers(town.admin_b)
    )
    assert other.status_code == 403


def test_the_qr_endpoint_gives_a_url_token_and_time_left(client, auth, town, make_event):
    event = make_event()
    answer = client.get(f"/api/v1/events/{event.id}/qr", headers=auth.headers(town.staff_a))
    body = answer.get_json()
    assert answer.status_code == 200
    assert body["url"].endswith("/c/" + body["token"])
    assert 0 < body["expires_in"] <= 30
    assert body["svg"].startswith("<svg")


def test_another_villages_staff_cannot_see_the_code(client, auth, town, make_event):
    event = make_event("b")
    answer = client.get(f"/api/v1/events/{event.id}/qr", headers=auth.headers(town.staff_a))
    assert answer.status_code == 403
    assert "token" not in answer.get_json()
