"""Field fixtures: the check-in fixtures (categories, events) for the field tests."""

from checkin.conftest import categories, make_event  # noqa: F401
