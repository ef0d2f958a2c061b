"""Home-visit fixtures: the test town with a grid, a household in it and a capped book."""

from __future__ import annotations

import pytest
from visit_helpers import set_up


@pytest.fixture
def visits_town(session, town):
    town.grid = set_up(session, town)
    return town


@pytest.fixture
def error_shape():
    from foundation.conftest import assert_error_shape

    return assert_error_shape
