"""POST /auth/token: exchange a phone and password for a bearer token."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint, abort

from points.api.common import UtcDateTime
from points.auth import issue_token
from points.extensions import db
from points.i18n import translate
from points.people import attempts
from points.web.edge.guards import login_per_ip, login_rule

blp = Blueprint("api_auth", __name__, description="Log in for a bearer token")


class TokenRequest(ma.Schema):
    phone = ma.fields.String(required=True, validate=ma.validate.Length(max=32))
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=200))


class TokenAnswer(ma.Schema):
    token = ma.fields.String()
    role = ma.fields.String()
    expires_at = UtcDateTime()


@blp.route("/auth/token", methods=["POST"])
@login_per_ip
@blp.arguments(TokenRequest)
@blp.response(200, TokenAnswer)
def token(body):
    """Log in with phone and password; the token goes in `Authorization: Bearer …`."""
    user = attempts.log_in(db.session, body["phone"], body["password"], login_rule())
    if user is None:
        abort(401, message=translate("手机号或密码不对。"))
    value, expires_at = issue_token(user)
    return {"token": value, "role": user.role, "expires_at": expires_at}
