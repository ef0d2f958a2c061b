"""Lawful posting: what every public list may show, for how long, and appeals against it.

Every public list — the leaderboards, 公示, the red list (红榜) and, where a town enables
it, the black list (黑榜) — shows masked names only (`mask_name`), keeps an entry for the
posting period of its village (`posting_days`, village → town → city; the leaderboards count
from when the entry last changed, the red and black lists from the transfer), leaves out
residents who opted out, and drops at once an entry whose appeal an admin upheld.

- `period`: masking, the settings, the filters every list calls.
- `lists`: the red and black lists.
- `appeals`: a named resident asks for correction or removal; an admin decides (audited).
"""

from points.posting.period import (
    BLACK_SETTING,
    DAYS_SETTING,
    days_for,
    mask_name,
    removed,
    shown_on_board,
    shown_on_publicity,
)

__all__ = [
    "BLACK_SETTING",
    "DAYS_SETTING",
    "days_for",
    "mask_name",
    "removed",
    "shown_on_board",
    "shown_on_publicity",
]
