"""Under faults, does every answer tell the truth about what was written?"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import text

from points import ledger
from points.models import Redemption
from points.shop import catalogue, redemption

ITEMS = 40


@pytest.fixture
def queue_of_requests(session, town, give, make_person):
    fields = catalogue.RewardFields(
        name="大米", points_cost=1, stock=None, village_id=town.village_a.id
    )
    rice = catalogue.create_reward(session, actor=town.admin_a, fields=fields)
    ids = []
    for i in range(ITEMS):
        person = make_person(town.village_a, name=f"村民{i}")
        give(person, 10)
        ids.append(redemption.request(session, resident=person, reward_id=rice.id, quantity=1).id)
    session.commit()
    return ids


def _keep_killing(dsn: str, stop: threading.Event, kills: list[int]) -> None:
    """From another connection, terminate the app's PostgreSQL backends again and again."""
    with psycopg.connect(dsn, autocommit=True) as killer:
        while not stop.is_set():
            approved = killer.execute(
                "SELECT count(*) FROM redemptions WHERE status = 'approved'"
            ).fetchone()[0]
            if approved >= 3:
                killed = killer.execute(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t"
                ).fetchone()[0]
                kills.append(killed)
            time.sleep(0.01)


def test_bulk_approve_reports_each_item_truly_while_its_connection_is_killed_mid_batch(
    db_kind, db_url, session, town, queue_of_requests
):
    if db_kind != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    stop, kills = threading.Event(), []
    dsn = db_url.replace("postgresql+psycopg://", "postgresql://")
    killer = threading.Thread(target=_keep_killing, args=(dsn, stop, kills))
    killer.start()
    try:
        outcomes = redemption.approve_many(
            session, actor=town.admin_a, redemption_ids=queue_of_requests
        )
    finally:
        stop.set()
        killer.join()
    assert sum(kills) > 0, "the killer never hit a connection"
    session.rollback()
    assert [o.redemption_id for o in outcomes] == queue_of_requests  # every item answered
    stored = dict(session.execute(text("SELECT id, status FROM redemptions")).all())
    for outcome in outcomes:
        if outcome.reason == "outcome_unknown":
            continue  # said plainly that it could not tell
        said = "approved" if outcome.ok else "not approved"
        truth = "approved" if stored[outcome.redemption_id] == "approved" else "not approved"
        assert said == truth, (outcome, stored[outcome.redemption_id])
    lost = [o for o in outcomes if not o.ok]
    assert all(o.reason in ("database_unavailable", "outcome_unknown") for o in lost), lost
    assert ledger.verify(session).ok
    session.expire_all()
    assert session.get(Redemption, queue_of_requests[0]) is not None
