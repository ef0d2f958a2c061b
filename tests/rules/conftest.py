"""Rule book fixtures: the test town's book with capped rules."""

from __future__ import annotations

import pytest
from rule_helpers import ITEMS, publish
from sqlalchemy import select

from points.models import Rule


@pytest.fixture
def book(session, town):
    """The town's book, version 2 (from 2026-01-01), and its rules by code."""
    publish(session, town)
    session.commit()
    found = session.scalars(select(Rule)).all()
    return {rule.code: rule.id for rule in found if rule.code in {i["code"] for i in ITEMS}}
