"""Helpers for the check-in tests: codes as the server makes them, what was written."""

from __future__ import annotations

from sqlalchemy import func, select

from points.checkin.codes import EventCode, current_step, make_event_code
from points.models import Checkin, Transfer
from points.people.cards import CardCode, make_card_code

SECRET = "test-secret"


def rotating_code(event, *, step_offset: int = 0, rotate: int = 30, version=None) -> str:
    return make_event_code(
        SECRET,
        EventCode(
            event.id,
            "rotating",
            current_step(rotate) + step_offset,
            event.qr_key_version if version is None else version,
        ),
    )


def static_code(event) -> str:
    return make_event_code(SECRET, EventCode(event.id, "static", 0, event.qr_key_version))


def card_code(person, version=None) -> str:
    return make_card_code(
        SECRET, CardCode(person.id, person.card_version if version is None else version)
    )


def counts(session) -> tuple[int, int]:
    """(check-ins, transfers) — what a refused check-in must leave unchanged."""
    session.rollback()
    return (
        session.scalar(select(func.count()).select_from(Checkin)),
        session.scalar(select(func.count()).select_from(Transfer)),
    )


def balance_of(client_or_session, person) -> int:
    from points import ledger

    session = client_or_session
    session.rollback()
    return ledger.resident_account(session, person.id).balance
