"""Awards and deductions (扣分) by an admin, always with a reason."""

from __future__ import annotations

from sqlalchemy.orm import Session

from points import audit, ledger
from points.auth import ensure_village
from points.db import write_transaction
from points.errors import InvalidAmount, InvalidInput, SelfAdjustment
from points.models import Transfer, User
from points.people import get_person


def check_reason(reason: object) -> str:
    text = str(reason or "").strip()
    if not text:
        raise InvalidInput("请填写加分或扣分的原因。")
    if len(text) > 200:
        raise InvalidInput("原因不超过 200 个字。")
    return text


def adjust(
    session: Session,
    *,
    actor: User,
    resident_id: int,
    amount: int,
    reason: str,
    idempotency_key: str | None = None,
) -> Transfer:
    """Award (amount > 0) or deduct (amount < 0) points; a deduction can't overdraw."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise InvalidAmount(limit=ledger.MAX_AMOUNT)
    ledger.check_amount(abs(amount))
    reason = check_reason(reason)
    resident = get_person(session, resident_id)
    ensure_village(actor, resident.village_id)
    if resident.id == actor.id:
        raise SelfAdjustment()
    with write_transaction(session):
        account = ledger.resident_account(session, resident.id)
        issuance = ledger.village_account(session, resident.village_id, "issuance")
        debit, credit = (issuance.id, account.id) if amount > 0 else (account.id, issuance.id)
        moved = ledger.transfer(
            session,
            debit_id=debit,
            credit_id=credit,
            amount=abs(amount),
            kind="adjust",
            memo=reason,
            actor_id=actor.id,
            idempotency_key=f"adjust:{actor.id}:{idempotency_key}" if idempotency_key else None,
        )
        audit.record(
            session,
            actor_id=actor.id,
            action="points.adjust",
            village_id=resident.village_id,
            target_type="user",
            target_id=resident.id,
            after={"amount": amount, "reason": reason, "transfer_id": moved.id},
        )
    return moved
