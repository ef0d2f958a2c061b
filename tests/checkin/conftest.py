"""Check-in fixtures: categories, events a few minutes into their window, codes and counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from points.checkin import events
from points.checkin.events import EventForm
from points.models import EventCategory, utcnow


@pytest.fixture
def categories(session, town):
    """The town's categories of work, by code."""
    mine = select(EventCategory).where(EventCategory.town_id == town.town.id)
    return {c.code: c for c in session.scalars(mine)}


@pytest.fixture
def make_event(session, town, categories):
    """An event whose check-in window is open now (unless told otherwise)."""

    def make(village="a", *, by=None, starts_in=timedelta(minutes=5), **fields) -> object:
        village_obj = {"a": town.village_a, "b": town.village_b, None: None}[village]
        actor = by or (town.town_admin if village_obj is None else town.admin_a)
        if village == "b" and by is None:
            actor = town.admin_b
        starts = utcnow() + starts_in
        form = EventForm(
            title=fields.pop("title", "夜间治安巡防"),
            category_id=categories[fields.pop("category", "patrol")].id,
            village_id=village_obj.id if village_obj else None,
            starts_at=starts,
            ends_at=fields.pop("ends_at", starts + timedelta(hours=2)),
            **fields,
        )
        return events.create_event(session, actor, form)

    return make
