"""Column helpers shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (how every time is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)
