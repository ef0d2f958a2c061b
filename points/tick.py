"""`points tick`: the scheme's due work, run every minute (cron, several hosts at once).

Each job takes a session and the moment, does what has come due and returns how much it did.
Every job must be idempotent and safe when two processes run it at once (guarded UPDATEs);
a feature adds its job with one line in JOBS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from points.cases import publicity
from points.year import settlement

Job = Callable[[Session, datetime], int]

# name → job. Order matters only where one job's work feeds another's.
JOBS: dict[str, Job] = {
    "postings": publicity.post_due,  # 公示期满的积分入账
    "expiry": lambda session, now: len(settlement.run(session, now=now)),  # 积分到期
}


def run(session: Session, now: datetime, only: str | None = None) -> dict[str, int]:
    """Run every job (or one), each in its own transactions; return what each did."""
    return {name: job(session, now) for name, job in JOBS.items() if only in (None, name)}
