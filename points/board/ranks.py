"""Competition ranking, as every board counts places: equal scores share a rank (1, 1, 3)."""

from __future__ import annotations

from collections.abc import Sequence


def competition_ranks(scores: Sequence) -> list[int]:
    """Ranks for scores already in order, equal scores sharing a rank (1, 1, 3)."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and score == scores[i - 1] else i + 1)
    return ranks
