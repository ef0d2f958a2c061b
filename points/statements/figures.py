"""A household's record read straight from the ledger's transfers up to a given head.

Earned points follow points.ledger.earned: awards and adjustments (and their reversals)
count, redeeming and expiry never do. Everything is recomputed from transfers with
id ≤ head, so the same call made later gives the same answer unless history was rewritten.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.board.leaderboard import mask_name
from points.clock import local, local_now
from points.ledger.earned import EARNING_KINDS
from points.models import Account, Household, Town, Transfer, User, Village

COUNTING = ("award", "adjust")  # what a reversal must undo to count (EARNING_KINDS less itself)
assert set(COUNTING) | {"reverse"} == set(EARNING_KINDS)


def _accounts(session: Session, user_filter) -> dict[int, tuple[int, int | None, str]]:
    """account id → (user id, household id, name) for the users matching the filter."""
    rows = session.execute(
        select(Account.id, User.id, User.household_id, User.name)
        .join(User, User.id == Account.user_id)
        .where(Account.kind == "resident", user_filter)
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def _moves(session: Session, account_ids: list[int], head_id: int) -> list:
    if not account_ids:
        return []
    touching = (Transfer.debit_account_id.in_(account_ids)) | (
        Transfer.credit_account_id.in_(account_ids)
    )
    return session.execute(
        select(
            Transfer.id,
            Transfer.created_at,
            Transfer.debit_account_id,
            Transfer.credit_account_id,
            Transfer.amount,
            Transfer.kind,
            Transfer.phase,
            Transfer.reference,
            Transfer.memo,
        )
        .where(touching, Transfer.id <= head_id, Transfer.phase.in_(("single", "post")))
        .order_by(Transfer.id)
    ).all()


def _counted_kind(session: Session, moves) -> dict[int, str]:
    """transfer id → the kind it counts as (a reversal: the kind it reverses)."""
    reversed_ids = {
        int(m.reference.split(":", 1)[1])
        for m in moves
        if m.kind == "reverse" and (m.reference or "").startswith("reverse:")
    }
    originals = (
        dict(
            session.execute(select(Transfer.id, Transfer.kind).where(Transfer.id.in_(reversed_ids)))
            .tuples()
            .all()
        )
        if reversed_ids
        else {}
    )
    counted = {}
    for m in moves:
        if m.kind == "reverse":
            ref = m.reference or ""
            counted[m.id] = (
                originals.get(int(ref.split(":", 1)[1])) if ref[:8] == "reverse:" else None
            )
        else:
            counted[m.id] = m.kind
    return counted


def earned_by_account_year(session: Session, moves, accounts: dict) -> dict[tuple[int, int], int]:
    """(account id, Shanghai year) → points earned."""
    counted = _counted_kind(session, moves)
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for m in moves:
        if counted.get(m.id) not in COUNTING:
            continue
        year = local(m.created_at).year
        if m.credit_account_id in accounts:
            totals[(m.credit_account_id, year)] += m.amount
        elif m.debit_account_id in accounts:
            totals[(m.debit_account_id, year)] -= m.amount
    return totals


def household_figures(
    session: Session, household_id: int, *, head_id: int, year: int, issued_at: datetime
) -> dict:
    """The statement's figures (JSON-ready) for a household at a ledger head."""
    household = session.get(Household, household_id)
    village = session.get(Village, household.village_id)
    town = session.get(Town, village.town_id)
    # Every resident of the village, for the household's rank among the village's households.
    everyone = _accounts(session, User.village_id == village.id)
    members = {a: v for a, v in everyone.items() if v[1] == household_id}
    moves = _moves(session, list(everyone), head_id)
    earned = earned_by_account_year(session, moves, everyone)

    by_year: dict[int, int] = defaultdict(int)
    for (account, y), points in earned.items():
        if account in members:
            by_year[y] += points
    scores: dict[int, int] = defaultdict(int)
    for (account, y), points in earned.items():
        hh = everyone[account][1]
        if y == year and hh is not None:
            scores[hh] += points
    own = scores.get(household_id, 0)
    households = session.scalars(
        select(Household.id).where(Household.village_id == village.id)
    ).all()
    rank = 1 + sum(1 for hh in households if scores.get(hh, 0) > own)

    member_moves = [
        m for m in moves if m.debit_account_id in members or m.credit_account_id in members
    ]
    first = min((local(m.created_at).year for m in member_moves), default=None)
    issued_year = local_now(issued_at).year
    deductions = [
        {
            "date": local(m.created_at).strftime("%Y-%m-%d"),
            "name": mask_name(members[m.debit_account_id][2]),
            "points": m.amount,
            "reason": m.memo,
        }
        for m in member_moves
        if m.kind == "adjust" and m.debit_account_id in members
    ]
    head_hash = session.scalar(select(Transfer.hash).where(Transfer.id == head_id)) or ""
    return {
        "household": household.code,
        "village": village.name,
        "town": town.name,
        "members": sorted(mask_name(v[2]) for v in members.values()),
        "first_year": first,
        "years_in_scheme": (issued_year - first + 1) if first else 0,
        "earned_by_year": {str(y): p for y, p in sorted(by_year.items())},
        "year": year,
        "score_year": own,
        "rank_in_village": rank,
        "households_in_village": len(households),
        "deductions": deductions,
        "head_id": head_id,
        "head_hash": head_hash,
    }
