"""Signed tokens in QR codes: event check-in codes and residents' card codes.

An event code never carries a resident's identity. Rotating codes name a time step of the
server clock (accepted for the current and the previous step); static codes (posters) name
step 0 and hold until the event ends. Bumping the event's `qr_key_version` revokes every code
it issued; bumping a resident's `card_version` voids their printed card.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer

EVENT_SALT = "points.event-code"
CARD_SALT = "points.resident-card"


class BadToken(Exception):
    """The token was not made by us (forged or damaged)."""


@dataclass(frozen=True)
class EventCode:
    event_id: int
    mode: str  # "rotating" | "static"
    step: int
    key_version: int


@dataclass(frozen=True)
class CardCode:
    resident_id: int
    card_version: int


def current_step(rotate_seconds: int, now: float | None = None) -> int:
    """The rotation step of the server clock."""
    return int((time.time() if now is None else now) // rotate_seconds)


def seconds_left(rotate_seconds: int, now: float | None = None) -> int:
    moment = time.time() if now is None else now
    return int(rotate_seconds - moment % rotate_seconds) or rotate_seconds


def _signer(secret: str, salt: str) -> Signer:
    return Signer(secret, salt=salt, digest_method=hashlib.sha256)


def make_event_code(secret: str, code: EventCode) -> str:
    mode = "r" if code.mode == "rotating" else "s"
    payload = f"e{code.event_id}.{mode}{code.step}.{code.key_version}"
    return _signer(secret, EVENT_SALT).sign(payload).decode()


def read_event_code(secret: str, token: str) -> EventCode:
    """Check the signature and unpack; validity in time is the caller's business."""
    try:
        payload = _signer(secret, EVENT_SALT).unsign(token.strip()).decode()
        event_part, mode_step, version = payload.split(".")
        if not event_part.startswith("e") or mode_step[0] not in "rs":
            raise ValueError(payload)
        return EventCode(
            event_id=int(event_part[1:]),
            mode="rotating" if mode_step[0] == "r" else "static",
            step=int(mode_step[1:]),
            key_version=int(version),
        )
    except (BadSignature, ValueError, IndexError, UnicodeError) as exc:
        raise BadToken(str(exc)) from exc


def make_card_code(secret: str, code: CardCode) -> str:
    return _signer(secret, CARD_SALT).sign(f"p{code.resident_id}.{code.card_version}").decode()


def read_card_code(secret: str, token: str) -> CardCode:
    try:
        payload = _signer(secret, CARD_SALT).unsign(token.strip()).decode()
        person, version = payload.split(".")
        if not person.startswith("p"):
            raise ValueError(payload)
        return CardCode(resident_id=int(person[1:]), card_version=int(version))
    except (BadSignature, ValueError, IndexError, UnicodeError) as exc:
        raise BadToken(str(exc)) from exc
