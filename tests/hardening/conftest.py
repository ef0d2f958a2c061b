"""Hardening tests: the app attacked from outside, as an intruder would."""

from __future__ import annotations

import pytest
from foundation.conftest import assert_error_shape


@pytest.fixture
def error_shape():
    return assert_error_shape
