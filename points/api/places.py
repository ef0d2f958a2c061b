"""The tree of places: /towns (city admin), /villages (town admins and up), /grids."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import places, policy
from points.auth import require
from points.extensions import db
from points.places.opening import open_town

blp = Blueprint("api_places", __name__, description="Towns, villages and grids")


class TownSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    city_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    points_name = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=20),
        metadata={"description": "what the town calls its points, e.g. 香榧币"},
    )
    scheme_name = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "the name of the town's scheme (default: the city's, 平安积分)"},
    )


class TownPatch(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=80))
    points_name = ma.fields.String(validate=ma.validate.Length(min=1, max=20))
    scheme_name = ma.fields.String(validate=ma.validate.Length(min=1, max=40))


class VillageSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    town_id = ma.fields.Integer(
        strict=True, load_default=None, metadata={"description": "omit: your town"}
    )
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))


class VillageQuery(ma.Schema):
    town_id = ma.fields.Integer(load_default=None)


class GridSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    village_id = ma.fields.Integer(
        strict=True, load_default=None, metadata={"description": "omit: your village"}
    )
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    micro_grid = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=80)
    )
    staff_ids = ma.fields.List(ma.fields.Integer(strict=True), load_default=list)


class GridQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)


class StaffIn(ma.Schema):
    staff_ids = ma.fields.List(ma.fields.Integer(strict=True), required=True)


# --- towns -------------------------------------------------------------------------------
@blp.route("/towns")
@blp.response(200, TownSchema(many=True))
def list_towns():
    """Every town of the city, with the names of its scheme and its points (public)."""
    return [places.town_view(db.session, town) for town in places.towns(db.session)]


@blp.route("/towns", methods=["POST"])
@require(policy.ensure_city_admin)
@blp.arguments(TownSchema)
@blp.response(201, TownSchema)
def add_town(body):
    """Add a town (镇/街道) to the city with the default categories of work (city admin)."""
    return places.town_view(db.session, open_town(db.session, actor=current_user, **body))


@blp.route("/towns/<int:town_id>", methods=["PATCH"])
@require(policy.ensure_town_admin_or_up)
@blp.arguments(TownPatch)
@blp.response(200, TownSchema)
def change_town(body, town_id):
    """Rename a town, its scheme or its points (its town admins, the city admin)."""
    town = places.update_town(db.session, current_user, town_id, **body)
    return places.town_view(db.session, town)


# --- villages ----------------------------------------------------------------------------
@blp.route("/villages")
@blp.arguments(VillageQuery, location="query")
@blp.response(200, VillageSchema(many=True))
def list_villages(args):
    """Every village, or one town's (public)."""
    return places.villages(db.session, town_id=args["town_id"])


@blp.route("/villages", methods=["POST"])
@require(policy.ensure_town_admin_or_up)
@blp.arguments(VillageSchema)
@blp.response(201, VillageSchema)
def add_village(body):
    """Create a village in a town (its town admins, the city admin)."""
    return places.create_village(
        db.session,
        town_id=body["town_id"] or current_user.town_id,
        name=body["name"],
        code=body["code"],
        actor=current_user,
    )


# --- grids -------------------------------------------------------------------------------
@blp.route("/grids")
@require(policy.ensure_staff)
@blp.arguments(GridQuery, location="query")
@blp.response(200, GridSchema(many=True))
def list_grids(args):
    """A village's grids with their grid workers (staff and up of that village)."""
    return places.grids_for(
        db.session, current_user, village_id=args["village_id"] or current_user.village_id
    )


@blp.route("/grids", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(GridSchema)
@blp.response(201, GridSchema)
def add_grid(body):
    """Add a grid to a village, with the grid workers who serve it (village admins and up)."""
    grid = places.create_grid(
        db.session,
        village_id=body["village_id"] or current_user.village_id,
        name=body["name"],
        code=body["code"],
        micro_grid=body["micro_grid"],
        staff_ids=body["staff_ids"],
        actor=current_user,
    )
    return places.grid_view(db.session, grid)


@blp.route("/grids/<int:grid_id>/staff", methods=["PUT"])
@require(policy.ensure_admin)
@blp.arguments(StaffIn)
@blp.response(200, GridSchema)
def set_grid_staff(body, grid_id):
    """Set the grid workers who serve a grid."""
    grid = places.assign_staff(db.session, current_user, grid_id, body["staff_ids"])
    return places.grid_view(db.session, grid)
