"""GET, POST /residents and GET /residents/{id}: admins register and find people."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import ledger, policy
from points.api.common import PageArgs
from points.auth import require
from points.errors import UnknownAccount
from points.extensions import db
from points.models import Role, User
from points.people import NewPerson, create_person, passwords_set, person_for, roster

blp = Blueprint("api_residents", __name__, description="Residents (admins)")


class ResidentIn(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    village_id = ma.fields.Integer(strict=True, allow_none=True)
    town_id = ma.fields.Integer(
        strict=True, allow_none=True, metadata={"description": "a town admin's town"}
    )
    grid_id = ma.fields.Integer(
        strict=True, allow_none=True, metadata={"description": "the grid a resident lives in"}
    )
    grid_ids = ma.fields.List(
        ma.fields.Integer(strict=True),
        load_default=list,
        metadata={"description": "the grids a grid worker (staff) serves"},
    )
    household_id = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=32), metadata={"description": "户号"}
    )
    password = ma.fields.String(
        load_only=True, allow_none=True, validate=ma.validate.Length(min=6, max=200)
    )
    role = ma.fields.String(
        load_default=Role.RESIDENT.value,
        validate=ma.validate.OneOf([r.value for r in Role]),
    )


class ResidentOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    phone = ma.fields.String()
    role = ma.fields.String()
    town_id = ma.fields.Integer(allow_none=True)
    village_id = ma.fields.Integer(allow_none=True)
    grid_id = ma.fields.Integer(allow_none=True)
    grid_ids = ma.fields.Function(lambda u: _grid_ids(u))
    household_id = ma.fields.Integer(allow_none=True)
    household_code = ma.fields.Function(lambda u: _household_code(u))
    active = ma.fields.Boolean()
    card_version = ma.fields.Integer()


def _household_code(person: User | dict) -> str | None:
    # ResidentDetail dumps the dict _with_balance made from a User: take the code as it is.
    if isinstance(person, dict):
        return person.get("household_code")
    return person.household.code if person.household else None


def _grid_ids(person: User | dict) -> list[int]:
    if isinstance(person, dict):
        return person.get("grid_ids") or []
    return sorted(person.grid_ids)


class ResidentDetail(ResidentOut):
    balance = ma.fields.Integer()
    available = ma.fields.Integer()


class ResidentQuery(PageArgs):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64))
    village_id = ma.fields.Integer(load_default=None)


@blp.route("/residents")
@require(policy.ensure_admin)
@blp.arguments(ResidentQuery, location="query")
@blp.response(200, ResidentOut(many=True))
def list_residents(args):
    """People of my scope (or one village of it), searchable by name or phone (?q=)."""
    rows, _total = roster.list_people(
        db.session,
        current_user,
        village_id=args["village_id"],
        query=args["q"],
        limit=args["per_page"],
        offset=(args["page"] - 1) * args["per_page"],
    )
    return [row.user for row in rows]


@blp.route("/residents", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(ResidentIn)
@blp.response(201, ResidentDetail)
def add_resident(body):
    """Register a person: a role below mine, inside my scope (village: mine by default)."""
    role = body["role"]
    village_id = body.get("village_id")
    if village_id is None and role not in (Role.TOWN_ADMIN, Role.CITY_ADMIN):
        village_id = current_user.village_id
    town_id = body.get("town_id")
    if town_id is None and role == Role.TOWN_ADMIN:
        town_id = current_user.town_id
    person = create_person(
        db.session,
        NewPerson(
            name=body["name"],
            phone=body["phone"],
            village_id=village_id,
            role=role,
            household_code=body.get("household_id"),
            password=body.get("password"),
            town_id=town_id,
            grid_id=body.get("grid_id"),
            grid_ids=tuple(body.get("grid_ids") or ()),
        ),
        actor=current_user,
    )
    return _with_balance(person)


@blp.route("/residents/<int:resident_id>")
@require(policy.ensure_staff)
@blp.response(200, ResidentDetail)
def show_resident(resident_id):
    """One person with balance (admins of their place; grid workers: their grids')."""
    return _with_balance(person_for(db.session, current_user, resident_id))


def _with_balance(person: User) -> dict:
    data = ResidentOut().dump(person)
    try:
        account = ledger.resident_account(db.session, person.id)
        data.update(balance=account.balance, available=account.available)
    except UnknownAccount:  # town and city admins have no account
        data.update(balance=0, available=0)
    return data


class PasswordIn(ma.Schema):
    password = ma.fields.String(load_default=None, validate=ma.validate.Length(min=6, max=64))


class PasswordOut(ma.Schema):
    password = ma.fields.String()


@blp.route("/residents/<int:resident_id>/password", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(PasswordIn)
@blp.response(200, PasswordOut)
def set_password(body, resident_id):
    """Set or reset a person's password (generated when absent); the answer shows it once."""
    password = passwords_set.set_password(db.session, current_user, resident_id, body["password"])
    return {"password": password}
