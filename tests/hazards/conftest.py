"""Hazards and disputes fixtures: the test town with two grids and the rule book."""

from __future__ import annotations

import pytest
from hazard_helpers import set_up


@pytest.fixture
def hazard_town(session, town):
    return set_up(session, town)
