"""An event's check-in code: the signed token in its QR code.

A code never carries a resident's identity. Rotating codes name a time step of the server
clock (accepted for the current and the previous step); static codes (posters) name step 0
and hold until the event ends. Bumping the event's `qr_key_version` revokes every code it
issued.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from points.signing import BadToken, sign, unsign

EVENT_SALT = "points.event-code"

__all__ = ["BadToken", "EventCode", "current_step", "make_event_code", "read_event_code"]


@dataclass(frozen=True)
class EventCode:
    event_id: int
    mode: str  # "rotating" | "static"
    step: int
    key_version: int


def current_step(rotate_seconds: int, now: float | None = None) -> int:
    """The rotation step of the server clock."""
    return int((time.time() if now is None else now) // rotate_seconds)


def seconds_left(rotate_seconds: int, now: float | None = None) -> int:
    moment = time.time() if now is None else now
    return int(rotate_seconds - moment % rotate_seconds) or rotate_seconds


def make_event_code(secret: str, code: EventCode) -> str:
    mode = "r" if code.mode == "rotating" else "s"
    return sign(secret, EVENT_SALT, f"e{code.event_id}.{mode}{code.step}.{code.key_version}")


def read_event_code(secret: str, token: str) -> EventCode:
    """Check the signature and unpack; validity in time is the caller's business."""
    payload = unsign(secret, EVENT_SALT, token)
    try:
        event_part, mode_step, version = payload.split(".")
        if not event_part.startswith("e") or mode_step[0] not in "rs":
            raise ValueError(payload)
        return EventCode(
            event_id=int(event_part[1:]),
            mode="rotating" if mode_step[0] == "r" else "static",
            step=int(mode_step[1:]),
            key_version=int(version),
        )
    except (ValueError, IndexError) as exc:
        raise BadToken(str(exc)) from exc
