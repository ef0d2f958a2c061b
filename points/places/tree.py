"""The places of the scheme: villages (the tree above and below them comes with wave 2)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import ledger
from points.admin import audit
from points.db import write_transaction
from points.errors import InvalidInput, NotFound
from points.models import Village


def clean_place_name(name: object) -> str:
    text = str(name or "").strip()
    if not text or len(text) > 80:
        raise InvalidInput("名称不能为空，且不超过 80 个字。")
    return text


def village_by_code(session: Session, code: str) -> Village:
    village = session.scalar(select(Village).where(Village.code == code))
    if village is None:
        raise NotFound(what=f"村编码 {code}")
    return village


def get_village(session: Session, village_id: int) -> Village:
    village = session.get(Village, village_id)
    if village is None:
        raise NotFound(what=f"村 {village_id}")
    return village


def create_village(
    session: Session, *, name: str, code: str, actor_id: int | None = None
) -> Village:
    """Create a village with its issuance and redeemed accounts."""
    name = clean_place_name(name)
    code = str(code or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        raise InvalidInput("村编码只能用字母、数字、- 和 _，不超过 32 位。")
    with write_transaction(session):
        if session.scalar(select(Village.id).where(Village.code == code)):
            raise InvalidInput("村编码 %(code)s 已存在。", code=code)
        village = Village(name=name, code=code)
        session.add(village)
        session.flush()
        ledger.village_account(session, village.id, "issuance")
        ledger.village_account(session, village.id, "redeemed")
        audit.record(
            session,
            actor_id=actor_id,
            action="village.create",
            village_id=village.id,
            target_type="village",
            target_id=village.id,
            after={"name": name, "code": code},
        )
    return village
