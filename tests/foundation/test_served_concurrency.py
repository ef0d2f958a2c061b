"""Over real HTTP, with two gunicorn workers: do racing deductions overdraw anyone?"""

from __future__ import annotations

import pytest
import requests
from support.races import race_same

from points import ledger

pytestmark = pytest.mark.slow


def test_twenty_racing_deductions_of_sixty_percent_over_http_let_one_through(
    live_server, client, auth, session, town, give
):
    give(town.resident_a, 100)
    headers = auth.headers(town.admin_a)
    body = {"resident_id": town.resident_a.id, "amount": -60, "reason": "违规扣分"}

    def send(_i: int):
        answer = requests.post(
            live_server.url + "/api/v1/adjustments", json=body, headers=headers, timeout=60
        )
        return answer.status_code, answer.json()

    answers = race_same(send, 20, timeout=120)
    statuses = sorted(a[0] if isinstance(a, tuple) else repr(a) for a in answers)
    assert statuses == [201] + [409] * 19, (statuses, live_server.log()[-2000:])
    refusals = [a[1] for a in answers if a[0] == 409]
    assert {r["errors"]["reason"] for r in refusals} == {"insufficient_points"}
    session.commit()  # end the test's read snapshot (SQLite WAL) to see the server's writes
    assert ledger.resident_account(session, town.resident_a.id).balance == 40
    assert ledger.verify(session).ok
