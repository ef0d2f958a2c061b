"""Fixtures for the admin pages: check-ins made the way the check-in engine makes them."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from points import checkin
from points.checkin.categories import ensure_categories
from points.db import write_transaction
from points.models import Checkin, Event, EventCategory, utcnow

HEADER = "姓名,手机号,村编码,户号"


@pytest.fixture
def award_checkin(session):
    """Give a resident an event's points through a check-in and its ledger award."""

    def award(resident, points: int = 10, *, when=None, title: str = "夜间治安巡防"):
        when = when or utcnow()
        with write_transaction(session):
            ensure_categories(session, resident.town_id)
            category = session.scalar(
                select(EventCategory).where(EventCategory.town_id == resident.town_id).limit(1)
            )
            event = Event(
                title=title,
                category_id=category.id,
                town_id=resident.town_id,
                village_id=resident.village_id,
                starts_at=when - timedelta(hours=1),
                ends_at=when + timedelta(hours=1),
                checkin_opens_at=when - timedelta(hours=1),
                checkin_closes_at=when + timedelta(hours=1),
                points=points,
                status="published",
            )
            session.add(event)
            session.flush()
            event_id = event.id
        done = checkin.award(
            session,
            event_id=event_id,
            resident=resident,
            method="manual",
            at=when.replace(tzinfo=UTC).timestamp(),
            recorded_at=when,
        )
        return session.get(Checkin, done.id)

    return award


@pytest.fixture
def csv_file():
    """Make a CSV as Excel saves it: CRLF line ends, in the given encoding."""

    def make(lines: list[str], encoding: str = "utf-8") -> bytes:
        return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)

    return make


@pytest.fixture
def keep_artifact():
    """Keep a screenshot or PDF under test-artifacts/ (as the root conftest's save_artifact)."""
    folder = Path(__file__).resolve().parents[2] / "test-artifacts"

    def keep(name: str, data: bytes) -> Path:
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        return path

    return keep
