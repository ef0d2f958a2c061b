"""POST /adjustments: an admin awards or deducts points with a reason."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from points import ledger, policy
from points.admin.adjustments import adjust_by_rule, adjustment, reverse_checkin
from points.api.common import IDEMPOTENCY_HEADER, idempotent
from points.auth import require
from points.extensions import db
from points.models import Account

blp = Blueprint("api_adjustments", __name__, description="Awards and deductions (扣分)")


class AdjustmentIn(ma.Schema):
    resident_id = ma.fields.Integer(required=True, strict=True)
    amount = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=-ledger.MAX_AMOUNT, max=ledger.MAX_AMOUNT),
        metadata={
            "description": "positive awards, negative deducts; never 0 (required without rule)"
        },
    )
    reason = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    rule = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={
            "description": "a rule book item (its code or name: patrol, 露天焚烧 …) or a "
            "configured label (见义勇为 …) instead of amount + reason; reason then adds a note"
        },
    )
    tier = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "for a tiered rule: the tier's name (一般, 较复杂, 重大 …)"},
    )
    units = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=1, max=1000),
        metadata={"description": "for an hourly rule: the hours"},
    )

    @ma.validates("amount")
    def not_zero(self, value: int, **_kwargs) -> None:
        if value == 0:
            raise ma.ValidationError("积分数不能为 0。")

    @ma.validates_schema
    def amount_or_rule(self, data: dict, **_kwargs) -> None:
        if "rule" in data:
            if "amount" in data:
                raise ma.ValidationError("按规则加扣分时不要填写积分数。", "amount")
            return
        for name in ("amount", "reason"):
            if name not in data:
                raise ma.ValidationError("Missing data for required field.", name)


class ReversalIn(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class ReversalOut(ma.Schema):
    transfer_id = ma.fields.Integer()
    checkin_id = ma.fields.Integer()
    amount = ma.fields.Integer()
    balance = ma.fields.Integer()
    available = ma.fields.Integer()


class AdjustmentOut(ma.Schema):
    transfer_id = ma.fields.Integer()
    rule_code = ma.fields.String(metadata={"description": "the rule book item it was made under"})
    rule_name = ma.fields.String()
    rule_version = ma.fields.Integer(metadata={"description": "its book's version number"})
    points = ma.fields.Integer(metadata={"description": "as the rule gave it (after caps)"})
    capped_by = ma.fields.Dict(
        metadata={
            "description": "the cap that trimmed it: {per, period, max_times?, "
            "max_points?, message}"
        }
    )
    resident_id = ma.fields.Integer()
    amount = ma.fields.Integer()
    reason = ma.fields.String()
    balance = ma.fields.Integer()
    available = ma.fields.Integer()


@blp.route("/adjustments", methods=["POST"])
@idempotent
@require(policy.ensure_admin)
@blp.arguments(AdjustmentIn)
@blp.response(201, AdjustmentOut)
def create_adjustment(body):
    """Award (amount > 0) or deduct (amount < 0) points, or apply a village rule by `rule`;
    honours `Idempotency-Key`."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if "rule" in body:
        moved = adjust_by_rule(
            db.session,
            actor=current_user,
            resident_id=body["resident_id"],
            rule=body["rule"],
            note=body.get("reason", ""),
            tier=body.get("tier"),
            units=body.get("units"),
            idempotency_key=key,
        )
    else:
        moved = adjustment(
            db.session,
            actor=current_user,
            resident_id=body["resident_id"],
            amount=body["amount"],
            reason=body["reason"],
            idempotency_key=key,
        )
    balance, available = moved.balance, moved.available
    if balance is None or available is None:  # not answered by the write: read them
        account = ledger.resident_account(db.session, body["resident_id"])
        balance, available = account.balance, account.available
    signed = moved.signed
    under_rule = moved.answer() if "rule" in body else {}
    return {
        **under_rule,
        "transfer_id": moved.id,
        "resident_id": body["resident_id"],
        "amount": signed,
        "reason": moved.memo,
        "balance": balance,
        "available": available,
    }


@blp.route("/checkins/<int:checkin_id>/reverse", methods=["POST"])
@idempotent
@require(policy.ensure_admin)
@blp.arguments(ReversalIn)
@blp.response(201, ReversalOut)
def reverse(body, checkin_id):
    """Reverse a mistaken check-in by a compensating transfer (once; never overdraws)."""
    moved = reverse_checkin(
        db.session, actor=current_user, checkin_id=checkin_id, reason=body["reason"]
    )
    account = db.session.get(Account, moved.debit_account_id)
    return {
        "transfer_id": moved.id,
        "checkin_id": checkin_id,
        "amount": -moved.amount,
        "balance": account.balance,
        "available": account.available,
    }
