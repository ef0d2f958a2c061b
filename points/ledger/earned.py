"""Points earned per period, written beside each posted transfer (the leaderboard's source).

Earned = awards and positive adjustments minus deductions and reversals; spending (redeem)
and expiry never lower it, so spending never drops a resident's rank.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from points.clock import period_keys
from points.models import Account, EarnedTotal, Participation, Transfer, User

EARNING_KINDS = ("award", "adjust", "reverse")


def earned_delta(t: Transfer, debit: Account, credit: Account) -> tuple[int | None, int]:
    """Return (user id, change in earned points) for a posted transfer, or (None, 0)."""
    if t.kind not in EARNING_KINDS:
        return None, 0
    if credit.kind == "resident":
        return credit.user_id, t.amount
    if debit.kind == "resident":
        return debit.user_id, -t.amount
    return None, 0


def record(bind: Connection, t: Transfer, debit: Account, credit: Account) -> None:
    """Add a posted transfer's earned points to its resident's totals for each period.

    One cached upsert, executed for the three periods: it runs inside the ledger's write lock
    on every award. A new row takes the resident's current town, village, grid and household.
    """
    user_id, delta = earned_delta(t, debit, credit)
    if not user_id or not delta:
        return
    bind.execute(
        _upsert(bind.dialect.name),
        [
            {"period": key, "uid": user_id, "delta": delta, "at": t.created_at}
            for key in period_keys(t.created_at)
        ],
    )


@cache
def _upsert(dialect: str):
    """INSERT … ON CONFLICT (period, resident_id) DO UPDATE, built once per dialect."""
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    person = select(User.village_id).where(User.id == bindparam("uid"))

    def of_person(column):
        return person.with_only_columns(column).scalar_subquery()

    statement = insert_for(EarnedTotal).values(
        period=bindparam("period"),
        resident_id=bindparam("uid"),
        town_id=of_person(User.town_id),
        village_id=of_person(User.village_id),
        grid_id=of_person(User.grid_id),
        household_id=of_person(User.household_id),
        points=bindparam("delta"),
        reached_at=bindparam("at"),
    )
    return statement.on_conflict_do_update(
        index_elements=["period", "resident_id"],
        set_={
            "points": EarnedTotal.points + statement.excluded.points,
            "reached_at": statement.excluded.reached_at,
        },
    )


def record_participation(
    bind: Connection,
    resident_id: int,
    village_id: int,
    moment: datetime,
    *,
    town_id: int,
    grid_id: int | None = None,
) -> None:
    """Count a resident as taking part in each period of `moment` (once per period)."""
    rows = [
        {
            "period": key,
            "resident_id": resident_id,
            "town_id": town_id,
            "village_id": village_id,
            "grid_id": grid_id,
            "first_at": moment,
        }
        for key in period_keys(moment)
    ]
    bind.execute(_take_part(bind.dialect.name), rows)


@cache
def _take_part(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING into participations, built once per dialect."""
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert_for(Participation).on_conflict_do_nothing()
