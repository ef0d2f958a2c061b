"""The write requests' cost in statements, pinned: a check-in, a redeem hold, an approval and
an adjustment each run in ONE transaction with exactly the statements counted here, and
inside the write lock only those counted as such. A change that adds a statement fails here:
count it, justify it (bench/statements.py shows each request's statements), update the table.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from checkin.helpers import rotating_code
from sqlalchemy import event

from points import ledger
from points.auth import issue_token
from points.checkin import events as event_cases
from points.extensions import db as sqla
from points.models import utcnow
from points.shop import catalogue, redemption

# request: {database: (statements in all, of which inside the write lock)}. Statements are
# what SQLAlchemy sends to the driver (SQLite's BEGIN/COMMIT pairs included, PostgreSQL's
# implicit BEGIN and the final COMMIT not). The write lock: from SQLite's BEGIN IMMEDIATE
# (PostgreSQL: the first write) to the commit.
EXPECTED = {
    "checkin": {"sqlite": (20, 10), "postgresql": (16, 9)},
    "redeem": {"sqlite": (16, 9), "postgresql": (12, 8)},
    "approve": {"sqlite": (19, 9), "postgresql": (15, 8)},
    "adjust": {"sqlite": (13, 7), "postgresql": (9, 6)},
}
WRITES = ("INSERT", "UPDATE", "DELETE")


class Counter:
    """Every statement an engine sends, and how many transactions it commits."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(" ".join(statement.split()))

    def _commit(self, conn) -> None:
        self.commits += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)

    def reset(self) -> None:
        self.statements.clear()
        self.commits = 0

    def in_lock(self) -> int:
        """Statements from the write lock's start (BEGIN IMMEDIATE, or the first write)."""
        for n, text in enumerate(self.statements):
            if text.startswith("BEGIN IMMEDIATE"):
                return len(self.statements) - n - 1
            if text.startswith(WRITES) or text.endswith("FOR UPDATE"):
                return len(self.statements) - n
        return 0


@pytest.fixture
def village(town, session, give):
    """An event open for check-in, a 1-point reward, residents with points and tokens."""
    admin = town.admin_a
    open_event = event_cases.create_event(
        session,
        admin,
        event_cases.EventForm(
            title="夜间治安巡防",
            category_id=None,
            category="patrol",
            village_id=town.village_a.id,
            starts_at=utcnow() - timedelta(minutes=10),
            ends_at=utcnow() + timedelta(hours=3),
            points=10,
        ),
    )
    for person in (town.resident_a, town.resident_a2, town.staff_a):
        give(person, 100)
    reward = catalogue.create_reward(
        session,
        actor=admin,
        fields=catalogue.RewardFields(name="肥皂", points_cost=1, village_id=town.village_a.id),
    )
    held = [
        redemption.request(session, resident=person, reward_id=reward.id, quantity=1).id
        for person in (town.resident_a, town.resident_a2)
    ]
    session.commit()
    return {
        "event": open_event,
        "reward_id": reward.id,
        "held": held,
        "admin": issue_token(admin)[0],
        "residents": [issue_token(p)[0] for p in (town.staff_a, town.resident_a2)],
        "resident_ids": [town.staff_a.id, town.resident_a2.id],
    }


def _requests(village: dict, n: int) -> dict[str, tuple[str, str, dict | None]]:
    """The n-th request of each kind: path, bearer token, JSON body."""
    return {
        "checkin": (
            "/api/v1/checkins",
            village["residents"][n],
            {"token": rotating_code(village["event"])},
        ),
        "redeem": (
            "/api/v1/redemptions",
            village["residents"][n],
            {"reward_id": village["reward_id"], "quantity": 1},
        ),
        "approve": (f"/api/v1/redemptions/{village['held'][n]}/approve", village["admin"], None),
        "adjust": (
            "/api/v1/adjustments",
            village["admin"],
            {"resident_id": village["resident_ids"][n], "amount": 1, "reason": "压测加分"},
        ),
    }


def test_each_write_request_runs_its_pinned_statements_in_one_transaction(
    app, client, session, village, db_kind
):
    counter = Counter(sqla.engine)
    found = {}
    try:
        # The first of each warms what is built once (cached statements, the reward read);
        # the second is counted.
        for n in (0, 1):
            for kind, (path, token, body) in _requests(village, n).items():
                session.remove()
                counter.reset()
                answer = client.post(
                    path,
                    data=json.dumps(body) if body is not None else None,
                    headers={"Authorization": f"Bearer {token}"},
                    content_type="application/json",
                )
                assert answer.status_code in (200, 201), (kind, answer.get_json())
                if n == 1:
                    found[kind] = (
                        (len(counter.statements), counter.in_lock()),
                        counter.commits,
                        list(counter.statements),
                    )
    finally:
        counter.close()
    for kind, expected in EXPECTED.items():
        counts, commits, statements = found[kind]
        shown = "\n  ".join(text[:120] for text in statements)
        assert commits == 1, f"{kind}: {commits} transactions committed:\n  {shown}"
        assert counts == expected[db_kind], (
            f"{kind} on {db_kind}: (statements, in the lock) = {counts}, pinned "
            f"{expected[db_kind]}:\n  {shown}"
        )
    session.remove()
    assert ledger.verify(session, store=False).ok
