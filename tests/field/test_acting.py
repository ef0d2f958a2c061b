"""代办: can a grid worker act for a resident who is present — briefly, and on the record?"""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from points.models import AuditEntry, Redemption, utcnow


def _start(client, person, present="1"):
    return client.post("/act/start", data={"resident_id": person.id, "present": present})


def _proxy_lines(session) -> list[tuple[str, dict | None]]:
    session.rollback()
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("proxy.%")).order_by(AuditEntry.id)
    )
    return [(row.action, row.after) for row in rows]


def test_a_grid_worker_redeems_for_a_present_resident_and_the_log_says_by_whom_for_whom(
    client, auth, town, session, give, make_reward
):
    give(town.resident_a, 100)
    towel = make_reward(name="毛巾", cost=30)
    auth.login(town.staff_a)
    found = client.get("/act/?q=张三").get_data(as_text=True)
    assert f'data-testid="acting-start-{town.resident_a.id}"' in found
    assert _start(client, town.resident_a).status_code == 302
    page = client.get("/act/").get_data(as_text=True)
    assert "正在为 张三丰 代办" in page and 'data-testid="acting-available">100<' in page
    done = client.post("/act/redeem", data={"reward_id": towel.id, "quantity": "1"})
    assert done.status_code == 302
    session.rollback()
    asked = session.scalars(select(Redemption)).one()
    assert (asked.resident_id, asked.status, asked.points) == (town.resident_a.id, "pending", 30)
    client.post("/act/end")
    assert [a for a, _ in _proxy_lines(session)] == ["proxy.start", "proxy.redeem", "proxy.end"]
    auth.logout()
    auth.login(town.admin_a)
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "张网格 为 张三丰 代办兑换" in audit and "毛巾" in audit
    assert "张网格 开始为 张三丰 代办" in audit and "张网格 结束为 张三丰 代办" in audit


def test_acting_ends_after_ten_minutes_and_nothing_more_is_done_for_the_resident(
    client, auth, town, session, give, make_reward
):
    give(town.resident_a, 100)
    towel = make_reward(name="毛巾", cost=30)
    with time_machine.travel(utcnow(), tick=False) as clock:
        auth.login(town.staff_a)
        _start(client, town.resident_a)
        clock.shift(timedelta(minutes=9))
        assert "正在为 张三丰 代办" in client.get("/act/").get_data(as_text=True)
        clock.shift(timedelta(minutes=2))
        late = client.post("/act/redeem", data={"reward_id": towel.id, "quantity": "1"})
        assert late.status_code == 410 and "代办已结束" in late.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Redemption)) == 0
    assert _proxy_lines(session)[-1] == ("proxy.end", {"why": "expired"})


def test_logging_out_ends_acting(client, auth, town, session):
    auth.login(town.staff_a)
    _start(client, town.resident_a)
    auth.logout()
    assert _proxy_lines(session)[-1] == ("proxy.end", {"why": "logout"})
    auth.login(town.staff_a)
    assert 'data-testid="acting"' not in client.get("/act/").get_data(as_text=True)


def test_acting_needs_the_resident_present_and_within_reach(client, auth, town, session):
    auth.login(town.staff_a)
    assert _start(client, town.resident_a, present="").status_code == 422
    assert _start(client, town.resident_b).status_code == 403  # another village
    assert _start(client, town.admin_a).status_code == 403  # an official, not a resident
    auth.logout()
    auth.login(town.resident_a2)
    assert _start(client, town.resident_a).status_code == 403  # residents don't act for others
    assert _proxy_lines(session) == []
