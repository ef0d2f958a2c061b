"""GET /ledger/verify (town admin) and GET /ledger/head (public)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from points import ledger, policy
from points.auth import require
from points.extensions import db

blp = Blueprint("api_ledger", __name__, description="Ledger audit")


class VerifyOut(ma.Schema):
    ok = ma.fields.Boolean()
    transfers = ma.fields.Integer()
    head_hash = ma.fields.String()
    problems = ma.fields.List(ma.fields.String())


class HeadOut(ma.Schema):
    transfers = ma.fields.Integer()
    head_hash = ma.fields.String()


@blp.route("/ledger/verify")
@require(policy.ensure_town_admin_or_up)
@blp.response(200, VerifyOut)
def verify():
    """Recompute every balance and the hash chain."""
    return ledger.verify(db.session)


@blp.route("/ledger/head")
@blp.response(200, HeadOut)
def head():
    """The chain's head hash, published so anyone can check history was not rewritten."""
    count, head_hash = ledger.head(db.session)
    return {"transfers": count, "head_hash": head_hash}
