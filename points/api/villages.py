"""GET, POST /villages."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from points.api.common import require_role
from points.extensions import db
from points.models import Role, Village
from points.places import create_village

blp = Blueprint("api_villages", __name__, description="Villages")


class VillageSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))


@blp.route("/villages")
@blp.response(200, VillageSchema(many=True))
def list_villages():
    """Every village (public)."""
    return db.session.scalars(select(Village).order_by(Village.code)).all()


@blp.route("/villages", methods=["POST"])
@require_role(Role.TOWN_ADMIN)
@blp.arguments(VillageSchema)
@blp.response(201, VillageSchema)
def add_village(body):
    """Create a village (town admin)."""
    return create_village(
        db.session, name=body["name"], code=body["code"], actor_id=current_user.id
    )
