"""Fifty scans of one resident at once, from phones and staff devices: exactly one award?"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select
from support.races import race_same

from checkin.helpers import card_code, rotating_code
from points import ledger
from points.models import Checkin, Transfer

pytestmark = pytest.mark.slow


def test_fifty_concurrent_check_ins_award_exactly_once(
    auth, town, make_event, session, live_server
):
    event = make_event(points=15)
    resident_headers = auth.headers(town.resident_a)
    staff_headers = auth.headers(town.staff_a)
    token, card = rotating_code(event), card_code(town.resident_a)
    staff_url = f"{live_server.url}/api/v1/events/{event.id}/checkins"
    resident_id = town.resident_a.id
    session.commit()

    def scan(n: int) -> tuple[int, dict]:
        with requests.Session() as http:
            if n % 2:
                url, body = f"{live_server.url}/api/v1/checkins", {"token": token}
                headers = dict(resident_headers)
            else:
                url = staff_url
                body, headers = {"card_token": card}, dict(staff_headers)
            if n % 3 == 0:
                headers["Idempotency-Key"] = f"device-{n}"
            answer = http.post(url, json=body, headers=headers, timeout=60)
            return answer.status_code, answer.json()

    answers = race_same(scan, 50)

    statuses = sorted(status for status, _ in answers)
    assert all(status in (200, 201) for status in statuses), (answers, live_server.log())
    assert statuses.count(201) == 1
    assert all(body["balance"] == 15 for _, body in answers)
    originals = {body["checked_in_at"] for _, body in answers}
    assert len(originals) == 1
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Checkin)) == 1
    assert session.scalar(select(func.count()).where(Transfer.kind == "award")) == 1
    assert ledger.resident_account(session, resident_id).balance == 15
    assert ledger.verify(session).ok


def test_twenty_residents_racing_for_five_places_get_exactly_five(
    auth, town, make_event, make_person, session, live_server
):
    event = make_event(points=2, capacity=5)
    people = [make_person(town.village_a, name=f"村民{n}") for n in range(20)]
    headers = [auth.headers(person) for person in people]
    token = rotating_code(event)
    session.commit()

    def scan(n: int) -> tuple[int, str | None]:
        answer = requests.post(
            f"{live_server.url}/api/v1/checkins",
            json={"token": token},
            headers=headers[n],
            timeout=60,
        )
        return answer.status_code, answer.json().get("reason")

    answers = race_same(scan, 20)
    assert sorted(answers).count((201, None)) == 5, answers
    assert sorted(answers).count((409, "capacity_reached")) == 15, answers
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Checkin)) == 5
    assert session.scalar(select(func.count()).where(Transfer.kind == "award")) == 5
