"""Fixtures for the parity tests: the small city both doors are tried in."""

from __future__ import annotations

import pytest
from support.world import World, build_world


@pytest.fixture
def world(session) -> World:
    """Two towns, three villages, two grids; an actor per role; two residents per spot."""
    return build_world(session)
