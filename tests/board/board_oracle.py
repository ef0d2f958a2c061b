"""A brute-force model of the leaderboard, computed from the raw transfers and check-ins.

Independent of points.earned and points.leaderboard: it reads every transfer, works out each
period in Shanghai time with zoneinfo, and ranks in plain Python.
"""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.models import Account, Checkin, Household, Transfer, User

TZ = ZoneInfo("Asia/Shanghai")


def keys_at(moment: datetime) -> set[str]:
    local = moment.replace(tzinfo=UTC).astimezone(TZ)
    return {"all", f"y{local.year:04d}", f"m{local.year:04d}-{local.month:02d}"}


def key_for(period: str, now: datetime) -> str:
    local = now.replace(tzinfo=UTC).astimezone(TZ)
    year, month = f"y{local.year:04d}", f"m{local.year:04d}-{local.month:02d}"
    return {"all": "all", "year": year, "month": month}[period]


def masked(name: str) -> str:
    if len(name) < 2:
        return name
    middle = "*" * max(len(name) - 2, 1)
    return name[0] + middle + (name[-1] if len(name) > 2 else "")


def earned(session: Session) -> dict[tuple[str, int], tuple[int, datetime]]:
    """(period, user id) → (points earned, when that total last changed), from transfers."""
    owner = {a.id: a.user_id for a in session.scalars(select(Account)) if a.kind == "resident"}
    totals: dict[tuple[str, int], list] = {}
    for t in session.scalars(select(Transfer).order_by(Transfer.id)):
        if t.phase not in ("single", "post") or t.kind not in ("award", "adjust", "reverse"):
            continue
        if t.credit_account_id in owner:
            user, delta = owner[t.credit_account_id], t.amount
        elif t.debit_account_id in owner:
            user, delta = owner[t.debit_account_id], -t.amount
        else:
            continue
        for key in keys_at(t.created_at):
            entry = totals.setdefault((key, user), [0, None])
            entry[0] += delta
            entry[1] = t.created_at
    return {k: (v[0], v[1]) for k, v in totals.items()}


def ranks(scores: list) -> list[int]:
    out = []
    for i, s in enumerate(scores):
        out.append(out[-1] if i and s == scores[i - 1] else i + 1)
    return out


def lives_in(user: User, scope: str, place_id: int | None) -> bool:
    """Is the user inside the place (the city holds everyone)?"""
    if scope == "city":
        return True
    return getattr(user, f"{scope}_id") == place_id


def ranked_residents(session, period, now, scope="city", place_id=None, limit=200):
    """[(rank, user id, points)] of the residents listed on a board."""
    key = key_for(period, now)
    users = {u.id: u for u in session.scalars(select(User))}
    rows = [
        (points, reached, uid)
        for (k, uid), (points, reached) in earned(session).items()
        if k == key
        and points > 0
        and not users[uid].leaderboard_opt_out
        and lives_in(users[uid], scope, place_id)
    ]
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    rows = rows[:limit]
    return [
        (rank, uid, points)
        for rank, (points, _, uid) in zip(ranks([r[0] for r in rows]), rows, strict=True)
    ]


def residents(session, period, now, scope="city", place_id=None, limit=200):
    """[(rank, masked name, points)] as a board shows them."""
    users = {u.id: u for u in session.scalars(select(User))}
    return [
        (rank, masked(users[uid].name), points)
        for rank, uid, points in ranked_residents(session, period, now, scope, place_id, limit)
    ]


def households(session, period, now, scope="city", place_id=None, limit=200):
    """A household's score on a board: its members living in the board's place."""
    key = key_for(period, now)
    users = {u.id: u for u in session.scalars(select(User))}
    codes = {h.id: h.code for h in session.scalars(select(Household))}
    sums: dict[int, list] = {}
    for (k, uid), (points, reached) in earned(session).items():
        user = users[uid]
        if k != key or user.household_id is None or user.leaderboard_opt_out:
            continue
        if not lives_in(user, scope, place_id):
            continue
        entry = sums.setdefault(user.household_id, [0, reached])
        entry[0] += points
        entry[1] = max(entry[1], reached)
    rows = sorted(
        ((p, r, hid) for hid, (p, r) in sums.items() if p > 0), key=lambda x: (-x[0], x[1], x[2])
    )[:limit]
    return [
        (rank, codes[hid], points)
        for rank, (points, _, hid) in zip(ranks([r[0] for r in rows]), rows, strict=True)
    ]


def villages(session, period, now, village_ids):
    """[(rank, village id, participation %)] of these villages ranked among themselves."""
    key = key_for(period, now)
    users = {u.id: u for u in session.scalars(select(User))}
    first: dict[int, datetime] = {}
    for c in session.scalars(select(Checkin)):
        if key in keys_at(c.created_at) and users[c.resident_id].role == "resident":
            first[c.resident_id] = min(first.get(c.resident_id, c.created_at), c.created_at)
    rows = []
    for vid in village_ids:
        people = [u for u in users.values() if u.village_id == vid and u.role == "resident"]
        came = [first[u.id] for u in people if u.id in first]
        rate = Fraction(len(came), len(people)) if people else Fraction(0)
        rows.append((rate, max(came) if came else datetime.max, vid))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    return [
        (rank, vid, round(float(rate) * 100, 1))
        for rank, (rate, _, vid) in zip(ranks([r[0] for r in rows]), rows, strict=True)
    ]
