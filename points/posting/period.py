"""Masked names, posting periods and removals: the filters every public list calls.

An entry is public while (1) the resident it names has not opted out, (2) no appeal against
it was upheld, and (3) its posting period has not run out: a red or black list row for
`posting_days` (default 30) of its village after its transfer; 公示 until its own end
(`Posting.ends_at`); a leaderboard row while its board's period (this month, this year) runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.models import ListAppeal, Posting, User
from points.places import settings

DAYS_SETTING = "posting_days"
BLACK_SETTING = "black_list_enabled"


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*; names are masked wherever the public can see them."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def days_for(session: Session, village_id: int | None, *, town_id: int | None = None) -> int:
    """How many days an entry of the village stays on the public lists."""
    value = settings.get(session, DAYS_SETTING, village_id, town_id=town_id)
    return value if isinstance(value, int) and value > 0 else settings.DEFAULTS[DAYS_SETTING]


def black_list_on(session: Session, village_id: int) -> bool:
    return bool(settings.get(session, BLACK_SETTING, village_id))


def cutoffs(session: Session, village_ids: Iterable[int], now: datetime) -> dict[int, datetime]:
    """village id → the earliest moment an entry may date from to be shown now."""
    return {v: now - timedelta(days=days_for(session, v)) for v in set(village_ids)}


def removed(session: Session, list_name: str, entries: Iterable[str]) -> set[str]:
    """The entries of a list taken down by an upheld appeal."""
    wanted = list(set(entries))
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(ListAppeal.entry).where(
                ListAppeal.list == list_name,
                ListAppeal.status == "upheld",
                ListAppeal.entry.in_(wanted),
            )
        )
    )


def shown_on_board(session: Session, rows: list, now: datetime | None = None) -> list:
    """A leaderboard's resident rows (with `resident_id`) that may be shown: not taken down
    on appeal. A board's own period (this month, this year) is its posting period: last
    month's rows leave when the month turns."""
    if not rows:
        return rows
    gone = removed(session, "board", (f"r{r.resident_id}" for r in rows))
    return [r for r in rows if f"r{r.resident_id}" not in gone]


def shown_on_publicity(session: Session, rows: list[dict]) -> list[dict]:
    """公示 rows (dicts with the posting `id`) without the opted-out and the taken-down."""
    if not rows:
        return rows
    ids = [row["id"] for row in rows]
    hidden = set(
        session.scalars(
            select(Posting.id)
            .join(User, User.id == Posting.resident_id)
            .where(Posting.id.in_(ids), User.leaderboard_opt_out.is_(True))
        )
    )
    gone = removed(session, "publicity", (f"p{i}" for i in ids))
    return [row for row in rows if row["id"] not in hidden and f"p{row['id']}" not in gone]
