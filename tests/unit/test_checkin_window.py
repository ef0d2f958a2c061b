"""When does an event take check-ins? `ensure_open` (the refusal with its reason) and `is_open`
(the SQL predicate the award's guarded UPDATE uses) must agree on every case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    select,
)

from points.checkin.refusals import CheckinRefused
from points.checkin.window import ensure_open, is_open

OPENS = datetime(2026, 5, 1, 1, 0)  # stored UTC: 09:00 in Shanghai
CLOSES = datetime(2026, 5, 1, 3, 0)  # 11:00 in Shanghai
MIDDLE = OPENS + timedelta(hours=1)
SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Window:
    status: str
    checkin_opens_at: datetime = OPENS
    checkin_closes_at: datetime = CLOSES


# (case, event, moment of the scan, "ok" or the refusal's reason code)
CASES = [
    ("a draft", Window("draft"), MIDDLE, "not_published"),
    ("a draft before its window", Window("draft"), OPENS - SECOND, "not_published"),
    ("a cancelled event", Window("cancelled"), MIDDLE, "cancelled"),
    ("a closed event", Window("closed"), MIDDLE, "closed"),
    ("a closed event after its window", Window("closed"), CLOSES + SECOND, "closed"),
    ("a second before opening", Window("published"), OPENS - SECOND, "too_early"),
    ("the moment it opens", Window("published"), OPENS, "ok"),
    ("the middle of the window", Window("published"), MIDDLE, "ok"),
    ("the moment it closes", Window("published"), CLOSES, "ok"),
    ("a second after closing", Window("published"), CLOSES + SECOND, "too_late"),
]
IDS = [case for case, *_ in CASES]


def outcome(event: Window, at: datetime) -> str:
    try:
        ensure_open(event, at)
    except CheckinRefused as refusal:
        return refusal.code
    return "ok"


@pytest.mark.parametrize(("event", "at", "expected"), [c[1:] for c in CASES], ids=IDS)
def test_an_event_takes_check_ins_only_when_published_and_inside_its_window(event, at, expected):
    assert outcome(event, at) == expected


def test_too_early_and_too_late_name_the_times_in_shanghai():
    with pytest.raises(CheckinRefused) as early:
        ensure_open(Window("published"), OPENS - SECOND)
    with pytest.raises(CheckinRefused) as late:
        ensure_open(Window("published"), CLOSES + SECOND)
    assert early.value.params == {"opens": "2026-05-01 09:00"}
    assert late.value.params == {"closes": "2026-05-01 11:00"}


@pytest.fixture(scope="module")
def events():
    """An in-memory SQLite `events` table holding one row per case (id = the case's index)."""
    engine = create_engine("sqlite://")
    table = Table(
        "events",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("status", String(10)),
        Column("checkin_opens_at", DateTime),
        Column("checkin_closes_at", DateTime),
    )
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(
            insert(table),
            [
                {
                    "id": n,
                    "status": event.status,
                    "checkin_opens_at": event.checkin_opens_at,
                    "checkin_closes_at": event.checkin_closes_at,
                }
                for n, (_, event, _, _) in enumerate(CASES)
            ],
        )
    with engine.connect() as connection:
        yield connection, table
    engine.dispose()


def test_the_sql_predicate_agrees_with_the_python_rule_on_every_case(events):
    connection, table = events
    query = select(table.c.id).where(
        table.c.id == bindparam("id"), is_open(table, bindparam("when"))
    )
    in_sql = {
        case: connection.scalar(query, {"id": n, "when": at}) is not None
        for n, (case, _, at, _) in enumerate(CASES)
    }
    in_python = {case: outcome(event, at) == "ok" for case, event, at, _ in CASES}
    assert in_sql == in_python
    assert sum(in_sql.values()) == 3, "the three open cases, and only they"
