"""Helpers for the year's tests: a village of its own with an expiry rule, Shanghai times."""

from __future__ import annotations

import itertools
from datetime import datetime

from points import places
from points.clock import SHANGHAI, to_utc
from points.db import write_transaction
from points.places import settings
from points.policy import Place

_numbers = itertools.count(1)


def shanghai(*parts: int) -> datetime:
    """A Shanghai wall-clock time as a stored (naive UTC) time."""
    return to_utc(datetime(*parts, tzinfo=SHANGHAI))


def village_with_expiry(session, town, expiry: dict | None, *, name: str = "试验村"):
    """A new village of the test town whose own `expiry` setting is `expiry`."""
    n = next(_numbers)
    village = places.create_village(
        session, town_id=town.town.id, name=f"{name}{n}", code=f"YR{n:04d}"
    )
    if expiry is not None:
        with write_transaction(session):
            settings.put(session, "expiry", expiry, Place(town.town.id, village.id))
    session.commit()
    return village
