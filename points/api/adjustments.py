"""POST /adjustments: an admin awards or deducts points with a reason."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from points import ledger
from points.adjustments import adjust
from points.api.common import IDEMPOTENCY_HEADER, idempotent, require_role
from points.auth import ADMINS
from points.extensions import db

blp = Blueprint("api_adjustments", __name__, description="Awards and deductions (扣分)")


class AdjustmentIn(ma.Schema):
    resident_id = ma.fields.Integer(required=True, strict=True)
    amount = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ma.validate.Range(min=-ledger.MAX_AMOUNT, max=ledger.MAX_AMOUNT),
        metadata={"description": "positive awards, negative deducts; never 0"},
    )
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))

    @ma.validates("amount")
    def not_zero(self, value: int, **_kwargs) -> None:
        if value == 0:
            raise ma.ValidationError("积分数不能为 0。")


class AdjustmentOut(ma.Schema):
    transfer_id = ma.fields.Integer()
    resident_id = ma.fields.Integer()
    amount = ma.fields.Integer()
    reason = ma.fields.String()
    balance = ma.fields.Integer()
    available = ma.fields.Integer()


@blp.route("/adjustments", methods=["POST"])
@idempotent
@require_role(*ADMINS)
@blp.arguments(AdjustmentIn)
@blp.response(201, AdjustmentOut)
def create_adjustment(body):
    """Award (amount > 0) or deduct (amount < 0) points; honours `Idempotency-Key`."""
    moved = adjust(
        db.session,
        actor=current_user,
        resident_id=body["resident_id"],
        amount=body["amount"],
        reason=body["reason"],
        idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
    )
    account = ledger.resident_account(db.session, body["resident_id"])
    return {
        "transfer_id": moved.id,
        "resident_id": body["resident_id"],
        "amount": body["amount"],
        "reason": moved.memo,
        "balance": account.balance,
        "available": account.available,
    }
