"""Points earned per period, written beside each posted transfer (the leaderboard's source).

Earned = awards and positive adjustments minus deductions and reversals; spending (redeem)
and expiry never lower it, so spending never drops a resident's rank.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from points.models import Account, EarnedTotal, Participation, Transfer, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
EARNING_KINDS = ("award", "adjust", "reverse")


def periods_for(moment: datetime) -> tuple[str, str, str]:
    """Return the period keys ('all', 'yYYYY', 'mYYYY-MM') a UTC moment falls in, Shanghai time."""
    local = moment.replace(tzinfo=UTC).astimezone(SHANGHAI)
    return ("all", f"y{local.year}", f"m{local.year}-{local.month:02d}")


def earned_delta(t: Transfer, debit: Account, credit: Account) -> tuple[int | None, int]:
    """Return (user id, change in earned points) for a posted transfer, or (None, 0)."""
    if t.kind not in EARNING_KINDS:
        return None, 0
    if credit.kind == "resident":
        return credit.user_id, t.amount
    if debit.kind == "resident":
        return debit.user_id, -t.amount
    return None, 0


def record(session: Session, t: Transfer, debit: Account, credit: Account) -> None:
    """Add a posted transfer's earned points to its resident's totals for each period."""
    user_id, delta = earned_delta(t, debit, credit)
    if not user_id or not delta:
        return
    keys = periods_for(t.created_at)
    existing = set(
        session.scalars(
            select(EarnedTotal.period).where(
                EarnedTotal.resident_id == user_id, EarnedTotal.period.in_(keys)
            )
        )
    )
    if existing:
        session.execute(
            update(EarnedTotal)
            .where(EarnedTotal.resident_id == user_id, EarnedTotal.period.in_(list(existing)))
            .values(points=EarnedTotal.points + delta, reached_at=t.created_at),
            execution_options={"synchronize_session": False},
        )
    missing = [key for key in keys if key not in existing]
    if missing:
        village_id, household_id = session.execute(
            select(User.village_id, User.household_id).where(User.id == user_id)
        ).one()
        session.add_all(
            EarnedTotal(
                period=key,
                resident_id=user_id,
                village_id=village_id,
                household_id=household_id,
                points=delta,
                reached_at=t.created_at,
            )
            for key in missing
        )
        session.flush()


def record_participation(
    bind: Connection, resident_id: int, village_id: int, moment: datetime
) -> None:
    """Count a resident as taking part in each period of `moment` (once per period)."""
    rows = [
        {"period": key, "resident_id": resident_id, "village_id": village_id, "first_at": moment}
        for key in periods_for(moment)
    ]
    dialect = bind.dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(Participation).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(Participation).on_conflict_do_nothing()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        statement = insert(Participation)
    bind.execute(statement, rows)
