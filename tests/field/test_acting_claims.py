"""代办 claims: may a grid worker claim for a resident who is present — as the resident's own
claim, on the record as done by the worker for them, and not after the session ends?"""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from points.models import AuditEntry, Case, utcnow


def _lines(session, action_like: str) -> list[tuple[int, str, dict | None]]:
    session.rollback()
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.action.like(action_like)).order_by(AuditEntry.id)
    )
    return [(row.actor_id, row.action, row.after) for row in rows]


def test_a_grid_worker_claims_for_a_present_resident_and_the_log_says_by_whom_for_whom(
    client, auth, town, session
):
    auth.login(town.staff_a)
    client.post("/act/start", data={"resident_id": town.resident_a.id, "present": "1"})
    page = client.get("/act/").get_data(as_text=True)
    assert 'data-testid="acting-claim"' in page and 'value="patrol"' in page
    done = client.post(
        "/act/claim", data={"rule_code": "patrol", "title": "替邻居老人巡夜", "units": ""}
    )
    assert done.status_code == 302
    claim = session.scalars(select(Case)).one()
    assert (claim.reporter_id, claim.status, claim.title) == (
        town.resident_a.id,
        "submitted",
        "替邻居老人巡夜",
    )
    assert _lines(session, "proxy.claim") == [
        (
            town.staff_a.id,
            "proxy.claim",
            {"title": "替邻居老人巡夜", "rule": "patrol", "case": claim.id},
        )
    ]
    assert [(a, act) for a, act, _ in _lines(session, "claim.%")] == [
        (town.resident_a.id, "claim.submit")
    ]
    auth.logout()
    auth.login(town.admin_a)
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "张网格 为 张三丰 代办申报" in audit and "替邻居老人巡夜" in audit


def test_a_bad_claim_under_acting_is_refused_with_a_note_and_leaves_no_trace(
    client, auth, town, session
):
    auth.login(town.staff_a)
    client.post("/act/start", data={"resident_id": town.resident_a.id, "present": "1"})
    bad = client.post("/act/claim", data={"rule_code": "no_such_rule", "title": "巡夜"})
    assert bad.status_code == 422
    blank = client.post("/act/claim", data={"rule_code": "patrol", "title": ""})
    assert blank.status_code == 422
    session.rollback()
    assert session.scalar(select(func.count(Case.id))) == 0
    assert _lines(session, "proxy.claim") == []


def test_no_claim_is_made_for_the_resident_after_acting_ends(client, auth, town, session):
    with time_machine.travel(utcnow(), tick=False) as clock:
        auth.login(town.staff_a)
        client.post("/act/start", data={"resident_id": town.resident_a.id, "present": "1"})
        clock.shift(timedelta(minutes=11))
        late = client.post("/act/claim", data={"rule_code": "patrol", "title": "巡夜"})
        assert late.status_code == 410
    session.rollback()
    assert session.scalar(select(func.count(Case.id))) == 0
    assert _lines(session, "proxy.%")[-1][1:] == ("proxy.end", {"why": "expired"})


def test_a_grid_worker_may_not_decide_a_claim_they_filed_for_a_resident_at_either_door(
    client, auth, town, session
):
    auth.login(town.staff_a)
    client.post("/act/start", data={"resident_id": town.resident_a.id, "present": "1"})
    client.post("/act/claim", data={"rule_code": "patrol", "title": "替邻居老人巡夜", "units": ""})
    claim = session.scalars(select(Case)).one()
    assert claim.filed_by == town.staff_a.id
    # The page: refused with the reason, nothing decided.
    page = client.post(f"/admin/claims/{claim.id}/approve", follow_redirects=True)
    assert "这条申报是您代办的" in page.get_data(as_text=True)
    auth.logout()
    # The API: the same refusal, for approving and for rejecting.
    for action, body in (("approve", {}), ("reject", {"reason": "不实"})):
        answer = client.post(
            f"/api/v1/claims/{claim.id}/{action}", json=body, headers=auth.headers(town.staff_a)
        )
        assert answer.status_code == 403, answer.get_json()
        assert answer.get_json()["reason"] == "own_proxy_claim"
    session.rollback()
    assert session.get(Case, claim.id).status == "submitted"
    # Another pair of eyes decides it.
    approved = client.post(
        f"/api/v1/claims/{claim.id}/approve", json={}, headers=auth.headers(town.admin_a)
    )
    assert approved.status_code == 200, approved.get_json()
    session.rollback()
    assert session.get(Case, claim.id).decided_by == town.admin_a.id
