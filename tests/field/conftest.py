"""Field fixtures: the check-in and shop fixtures (categories, events, rewards) for the field
tests, and the pages each role opens every day."""

from checkin.conftest import categories, make_event  # noqa: F401
from shop.conftest import make_reward  # noqa: F401
