"""Column helpers shared by the tables."""

from points.clock import utcnow

__all__ = ["utcnow"]
