"""Pieces every API blueprint uses: roles, idempotency, the error shape in the docs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

import marshmallow as ma
from flask import jsonify, make_response, request
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from points.db import write_transaction
from points.errors import IdempotencyConflict, InvalidInput
from points.extensions import db
from points.i18n import translate
from points.models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"


class UtcDateTime(ma.fields.DateTime):
    """A stored time in an answer: times are stored as naive UTC, so say so (`…+00:00`),
    as OpenAPI's `date-time` requires an offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=200))


def _request_fingerprint() -> str:
    body = request.get_json(silent=True)
    if body is None:
        raw = request.get_data()
    else:
        raw = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()


def idempotent(view: Callable) -> Callable:
    """Honour an Idempotency-Key header on a POST that creates something.

    The key is claimed by inserting its record in the same transaction as the effect, so a
    concurrent second request waits on the unique index and then replays the first answer.
    Same key + same body: the original answer. Same key + other body: 409.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None or not current_user.is_authenticated:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= 120:
            raise InvalidInput("Idempotency-Key 长度应为 1 到 120 个字符。")
        scope = f"{request.method} {request.path}"
        fingerprint = _request_fingerprint()
        for _attempt in range(3):
            try:
                with write_transaction(db.session):
                    earlier = db.session.scalar(
                        select(IdempotencyRecord).where(
                            IdempotencyRecord.user_id == current_user.id,
                            IdempotencyRecord.scope == scope,
                            IdempotencyRecord.key == key,
                        )
                    )
                    if earlier is not None:
                        if earlier.request_hash != fingerprint:
                            raise IdempotencyConflict()
                        replay = make_response(jsonify(earlier.response), earlier.status_code)
                        replay.headers["Idempotent-Replayed"] = "true"
                        return replay
                    record = IdempotencyRecord(
                        user_id=current_user.id, scope=scope, key=key, request_hash=fingerprint
                    )
                    db.session.add(record)
                    db.session.flush()
                    response = make_response(view(*args, **kwargs))
                    record.status_code = response.status_code
                    record.response = response.get_json(silent=True)
                    db.session.flush()
                return response
            except IntegrityError:
                # Another request claimed the key first and has committed: replay its answer.
                db.session.rollback()
        abort(409, message=translate("请求正在处理中，请稍后再试。"))

    return wrapper
