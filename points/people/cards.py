"""A resident's printed QR card: a signed `p<id>.<card_version>`; reissuing voids the old one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from points.errors import N_, DomainError
from points.models import User
from points.people.registry import person_for
from points.signing import BadToken, sign, unsign

CARD_SALT = "points.resident-card"


class CardInvalid(DomainError):
    code = "invalid"
    template = N_("这不是有效的积分卡二维码。")


class NoCard(DomainError):
    code = "no_card"
    template = N_("%(name)s 没有积分账户，也就没有积分卡。")


class CardRevoked(DomainError):
    code = "revoked"
    template = N_("这张积分卡已作废（已补办新卡），请使用新卡。")


@dataclass(frozen=True)
class CardCode:
    resident_id: int
    card_version: int


def make_card_code(secret: str, code: CardCode) -> str:
    return sign(secret, CARD_SALT, f"p{code.resident_id}.{code.card_version}")


def read_card_code(secret: str, token: str) -> CardCode:
    payload = unsign(secret, CARD_SALT, token)
    try:
        person, version = payload.split(".")
        if not person.startswith("p"):
            raise ValueError(payload)
        return CardCode(resident_id=int(person[1:]), card_version=int(version))
    except (ValueError, IndexError) as exc:
        raise BadToken(str(exc)) from exc


def card_token(secret: str, person: User) -> str:
    """The raw string a printed card's QR code holds (what staff scanners read)."""
    return make_card_code(secret, CardCode(person.id, person.card_version))


def resident_for_card(session: Session, secret: str, token: str) -> User:
    """The resident a printed card names; a reissued card's old code is refused."""
    try:
        code = read_card_code(secret, token)
    except BadToken as exc:
        raise CardInvalid() from exc
    resident = session.get(User, code.resident_id)
    if resident is None:
        raise CardInvalid()
    if code.card_version != resident.card_version:
        raise CardRevoked()
    return resident


def card_holder(session: Session, viewer: User, user_id: int) -> User:
    """The person whose card a viewer asked for: their own, or someone they may see."""
    person = person_for(session, viewer, user_id)
    if person.village_id is None:
        raise NoCard(name=person.name)
    return person
