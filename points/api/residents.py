"""GET, POST /residents and GET /residents/{id}: admins manage their village's people."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import or_, select

from points import ledger
from points.api.common import PageArgs, require_role
from points.auth import ADMINS, ensure_village, scoped
from points.errors import Forbidden, UnknownAccount
from points.extensions import db
from points.models import Role, User
from points.people import NewPerson, create_person, get_person

blp = Blueprint("api_residents", __name__, description="Residents (admins)")


class ResidentIn(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    village_id = ma.fields.Integer(strict=True, allow_none=True)
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
    village_id = ma.fields.Integer(allow_none=True)
    household_id = ma.fields.Integer(allow_none=True)
    household_code = ma.fields.Function(lambda u: _household_code(u))
    active = ma.fields.Boolean()
    card_version = ma.fields.Integer()


def _household_code(person: User | dict) -> str | None:
    # ResidentDetail dumps the dict _with_balance made from a User: take the code as it is.
    if isinstance(person, dict):
        return person.get("household_code")
    return person.household.code if person.household else None


class ResidentDetail(ResidentOut):
    balance = ma.fields.Integer()
    available = ma.fields.Integer()


class ResidentQuery(PageArgs):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64))
    village_id = ma.fields.Integer(load_default=None)


@blp.route("/residents")
@require_role(*ADMINS)
@blp.arguments(ResidentQuery, location="query")
@blp.response(200, ResidentOut(many=True))
def list_residents(args):
    """Residents of my village (town admins: all, or ?village_id=), searchable by ?q=."""
    query = scoped(select(User), User.village_id, current_user).order_by(User.id)
    if args["village_id"] is not None:
        ensure_village(current_user, args["village_id"])
        query = query.where(User.village_id == args["village_id"])
    if args["q"]:
        like = f"%{args['q']}%"
        query = query.where(or_(User.name.like(like), User.phone.like(like)))
    query = query.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])
    return db.session.scalars(query).all()


@blp.route("/residents", methods=["POST"])
@require_role(*ADMINS)
@blp.arguments(ResidentIn)
@blp.response(201, ResidentDetail)
def add_resident(body):
    """Register a resident (or staff) in my village."""
    village_id = body.get("village_id")
    if village_id is None:
        village_id = current_user.village_id
    ensure_village(current_user, village_id)
    role = body["role"]
    if role in (Role.VILLAGE_ADMIN, Role.TOWN_ADMIN) and current_user.role != Role.TOWN_ADMIN:
        raise Forbidden()
    person = create_person(
        db.session,
        NewPerson(
            name=body["name"],
            phone=body["phone"],
            village_id=village_id,
            role=role,
            household_code=body.get("household_id"),
            password=body.get("password"),
        ),
        actor_id=current_user.id,
    )
    return _with_balance(person)


@blp.route("/residents/<int:resident_id>")
@require_role(*ADMINS)
@blp.response(200, ResidentDetail)
def show_resident(resident_id):
    """One resident with balance."""
    person = get_person(db.session, resident_id)
    ensure_village(current_user, person.village_id)
    return _with_balance(person)


def _with_balance(person: User) -> dict:
    data = ResidentOut().dump(person)
    try:
        account = ledger.resident_account(db.session, person.id)
        data.update(balance=account.balance, available=account.available)
    except UnknownAccount:  # town admins have no account
        data.update(balance=0, available=0)
    return data
