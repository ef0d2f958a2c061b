"""Claims fixtures: the test town with a grid and a book of claimable items."""

from __future__ import annotations

import pytest
from case_helpers import set_up


@pytest.fixture
def claims_town(session, town):
    set_up(session, town)
    return town
