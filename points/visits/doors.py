"""A household's door code: a signed `h<id>` printed on the door sheet. A worker's scanner
reads it (or a phone's camera opens the visit page behind it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from points.errors import N_, DomainError
from points.models import Household
from points.signing import BadToken, sign, unsign

DOOR_SALT = "points.household-door"
PATH = "/visits/door/"


class DoorInvalid(DomainError):
    code = "invalid"
    template = N_("这不是有效的家访门牌二维码。")


def door_token(secret: str, household_id: int) -> str:
    return sign(secret, DOOR_SALT, f"h{household_id}")


def door_url(base: str, secret: str, household_id: int) -> str:
    """What the printed QR code holds: the visit page of the household."""
    return f"{base.rstrip('/')}{PATH}{door_token(secret, household_id)}"


def read_door(secret: str, text: str) -> int:
    """The household a scanned door code names (the URL or the bare token)."""
    token = (text or "").strip()
    if PATH in token:
        token = token.split(PATH, 1)[1].split("?", 1)[0]
    try:
        payload = unsign(secret, DOOR_SALT, token)
    except BadToken as exc:
        raise DoorInvalid() from exc
    if not payload.startswith("h") or not payload[1:].isdigit() or len(payload) > 12:
        raise DoorInvalid()
    return int(payload[1:])


def household_for_door(session: Session, secret: str, text: str) -> Household:
    household = session.get(Household, read_door(secret, text))
    if household is None:
        raise DoorInvalid()
    return household
