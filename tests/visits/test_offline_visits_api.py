"""Is a home visit kept on the phone without signal judged on its own day, once, however often
it is uploaded, and refused with nothing written when too old or in the future?"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from visit_helpers import balance, transfers

from points import ledger
from points.clock import local
from points.models import HomeVisit, IdempotencyRecord, Transfer, utcnow


def _iso(moment: datetime) -> str:
    """An aware time as a phone sends it: Shanghai offset."""
    return local(moment).isoformat()


def _body(town, visited_at: datetime, key: str, **extra) -> dict:
    return {
        "household_id": town.resident_a.household_id,
        "note": "断网时走访：老人身体好",
        "follow_up": "下月再看",
        "confirmation": "in_person",
        "member_id": town.resident_a.id,
        "visited_at": _iso(visited_at),
        "client_key": key,
        **extra,
    }


def test_an_offline_visit_within_the_lag_is_recorded_on_its_own_day_and_awarded_once(
    client, auth, session, visits_town
):
    town = visits_town
    headers = auth.headers(town.staff_a)
    visited = utcnow() - timedelta(hours=20)
    first = client.post(
        "/api/v1/visits", json=_body(town, visited, "phone-visit-1"), headers=headers
    )
    assert first.status_code == 201, first.get_json()
    answer = first.get_json()
    assert answer["day"] == local(visited).date().isoformat()
    assert answer["visited_at"].startswith(visited.replace(microsecond=0).isoformat())
    assert (answer["member_points"], answer["worker_points"], answer["already"]) == (8, 2, False)
    again = client.post(
        "/api/v1/visits", json=_body(town, visited, "phone-visit-1"), headers=headers
    )
    assert again.status_code == 200 and again.get_json()["already"] is True
    assert again.get_json()["id"] == answer["id"]
    session.rollback()
    assert session.scalar(select(func.count(HomeVisit.id))) == 1
    assert transfers(session) == 2 and balance(session, town.resident_a) == 8
    award_times = session.scalars(select(Transfer.created_at)).all()
    assert all(abs(at - visited) < timedelta(seconds=1) for at in award_times), award_times
    assert ledger.verify(session).ok


def test_the_same_household_and_day_under_a_new_key_answers_the_first_visit(
    client, auth, session, visits_town
):
    town = visits_town
    headers = auth.headers(town.staff_a)
    visited = utcnow() - timedelta(hours=2)
    first = client.post("/api/v1/visits", json=_body(town, visited, "k-a"), headers=headers)
    assert first.status_code == 201, first.get_json()
    later = visited + timedelta(minutes=1)
    second = client.post("/api/v1/visits", json=_body(town, later, "k-b"), headers=headers)
    assert second.status_code == 200 and second.get_json()["id"] == first.get_json()["id"]
    session.rollback()
    assert transfers(session) == 2 and session.scalar(select(func.count(HomeVisit.id))) == 1


def test_an_offline_visit_older_than_the_lag_or_in_the_future_is_refused_with_nothing_written(
    client, auth, session, visits_town, error_shape
):
    town = visits_town
    headers = auth.headers(town.staff_a)
    cases = [
        (utcnow() - timedelta(hours=25), 409, "offline_too_old"),
        (utcnow() + timedelta(hours=1), 422, "offline_future"),
    ]
    for visited, status, reason in cases:
        answer = client.post(
            "/api/v1/visits", json=_body(town, visited, f"k-{reason}"), headers=headers
        )
        assert answer.status_code == status, answer.get_json()
        error_shape(answer, status)
        assert answer.get_json()["reason"] == reason
    naive = _body(town, utcnow(), "k-naive")
    naive["visited_at"] = datetime.now(UTC).replace(tzinfo=None).isoformat()
    assert client.post("/api/v1/visits", json=naive, headers=headers).status_code == 422
    session.rollback()
    assert session.scalar(select(func.count(HomeVisit.id))) == 0
    assert transfers(session) == 0
    assert session.scalar(select(func.count(IdempotencyRecord.id))) == 0


def test_a_client_key_reused_for_another_household_is_a_conflict(client, auth, visits_town):
    town = visits_town
    headers = auth.headers(town.staff_a)
    visited = utcnow() - timedelta(hours=1)
    made = client.post("/api/v1/visits", json=_body(town, visited, "k-1"), headers=headers)
    assert made.status_code == 201
    other = _body(town, visited, "k-1", household_id=town.resident_a.household_id + 1000)
    assert client.post("/api/v1/visits", json=other, headers=headers).status_code == 409


def test_the_openapi_document_describes_the_offline_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    visit_in = next(s for name, s in schemas.items() if name.startswith("VisitIn"))
    assert {"visited_at", "client_key"} <= set(visit_in["properties"])
    assert "offline" in visit_in["properties"]["visited_at"]["description"]
