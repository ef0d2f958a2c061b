"""Demo data for the leaderboard: one resident who chose to stay off the public board."""

from __future__ import annotations

from random import Random

from sqlalchemy.orm import Session

from points.board import leaderboard


def seed_demo(session: Session, rng: Random, people) -> None:
    """Opt one demo resident out, so the board shows that opting out works."""
    if people.residents:
        leaderboard.set_opt_out(session, rng.choice(people.residents).id, True)
