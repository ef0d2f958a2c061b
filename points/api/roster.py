"""Residents beyond the basics: edit, suspend, reinstate, cards, CSV import (admins)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload

from points import policy
from points.api.residents import ResidentDetail, _with_balance
from points.auth import require
from points.errors import InvalidInput
from points.extensions import db
from points.people import importing, roster

blp = Blueprint("api_roster", __name__, description="Residents: edit, suspend, cards, import")


class ResidentPatch(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    phone = ma.fields.String(validate=ma.validate.Length(min=1, max=20))
    household_code = ma.fields.String(validate=ma.validate.Length(max=32))
    leaderboard_opt_out = ma.fields.Boolean()


class ImportIn(ma.Schema):
    file = Upload(required=True, metadata={"description": "CSV: 姓名,手机号,村编码,户号"})


class ImportError_(ma.Schema):
    row = ma.fields.Integer()
    message = ma.fields.String()


class ImportOut(ma.Schema):
    created = ma.fields.Integer()
    errors = ma.fields.List(ma.fields.Nested(ImportError_))
    ids = ma.fields.List(ma.fields.Integer())


@blp.route("/residents/<int:resident_id>", methods=["PATCH"])
@require(policy.ensure_admin)
@blp.arguments(ResidentPatch)
@blp.response(200, ResidentDetail)
def edit_resident(body, resident_id):
    """Change a resident's name, phone, household (户号) or leaderboard choice."""
    person = roster.edit_person(db.session, current_user, resident_id, **body)
    return _with_balance(person)


@blp.route("/residents/<int:resident_id>/suspend", methods=["POST"])
@require(policy.ensure_admin)
@blp.response(200, ResidentDetail)
def suspend_resident(resident_id):
    """Suspend: the person can't log in, their tokens and card stop working."""
    return _with_balance(roster.set_active(db.session, current_user, resident_id, False))


@blp.route("/residents/<int:resident_id>/reinstate", methods=["POST"])
@require(policy.ensure_admin)
@blp.response(200, ResidentDetail)
def reinstate_resident(resident_id):
    """Reinstate a suspended person."""
    return _with_balance(roster.set_active(db.session, current_user, resident_id, True))


@blp.route("/residents/<int:resident_id>/card/reissue", methods=["POST"])
@require(policy.ensure_admin)
@blp.response(200, ResidentDetail)
def reissue_card(resident_id):
    """Issue a new card; the old printed card no longer checks in."""
    return _with_balance(roster.reissue_card(db.session, current_user, resident_id))


@blp.route("/residents/import", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(ImportIn, location="files")
@blp.response(200, ImportOut)
@blp.alt_response(422, schema=ImportOut, description="some rows are bad: nothing imported")
def import_residents(files):
    """Import a CSV (UTF-8 or GBK; 姓名,手机号,村编码,户号): all rows or none."""
    upload = files.get("file")
    if upload is None:
        raise InvalidInput("请选择要导入的 CSV 文件。")
    result = importing.import_residents(db.session, current_user, upload.read())
    body = {"created": result.created, "errors": result.errors, "ids": result.ids}
    return body, (200 if result.ok else 422)
