"""Opening a town: the town itself and what its scheme starts with (its categories of work)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from points import rules
from points.checkin.categories import ensure_categories
from points.db import write_transaction
from points.models import Town, User
from points.places.tree import create_town


def open_town(
    session: Session,
    *,
    name: str,
    code: str,
    points_name: str | None = None,
    scheme_name: str | None = None,
    actor: User | None = None,
) -> Town:
    """Add a town to the city with the default categories of safety work."""
    town = create_town(
        session,
        name=name,
        code=code,
        points_name=points_name,
        scheme_name=scheme_name,
        actor=actor,
    )
    with write_transaction(session):
        ensure_categories(session, town.id)
        rules.ensure_default_book(session, town.id)
    return town
