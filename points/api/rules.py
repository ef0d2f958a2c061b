"""The rule book (积分细则): /rules (public), /rules/{code}/versions, /rule-books (admins),
/budget (admins)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy, rules
from points.auth import require
from points.extensions import db
from points.rules import budget as budgets

blp = Blueprint("api_rules", __name__, description="The rule book (积分细则) and the budget")


class TierSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    name_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=40))
    points = ma.fields.Integer(required=True, strict=True)


class CapSchema(ma.Schema):
    per = ma.fields.String(required=True, validate=ma.validate.OneOf(["resident", "household"]))
    period = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["day", "week", "month", "year", "event"]),
        metadata={"description": "Asia/Shanghai calendar; `event`: one event or case"},
    )
    max_times = ma.fields.Integer(
        strict=True, metadata={"description": "units (hours count one each)"}
    )
    max_points = ma.fields.Integer(strict=True)


class RuleItem(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    name_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=80))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    kind = ma.fields.String(load_default="earn", validate=ma.validate.OneOf(["earn", "deduct"]))
    points = ma.fields.Integer(
        strict=True, metadata={"description": "a fixed amount (per unit); or give tiers"}
    )
    points_max = ma.fields.Integer(
        strict=True, metadata={"description": "each event sets its amount, up to this"}
    )
    tiers = ma.fields.List(ma.fields.Nested(TierSchema))
    unit = ma.fields.String(
        load_default="event", validate=ma.validate.OneOf(["event", "report", "case", "hour"])
    )
    caps = ma.fields.List(ma.fields.Nested(CapSchema), load_default=list)
    first_reporter_only = ma.fields.Boolean(load_default=False)
    later_reporter_points = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    confirm_by = ma.fields.String(
        load_default="staff", validate=ma.validate.OneOf(["staff", "village_admin"])
    )
    needs_evidence = ma.fields.Boolean(load_default=False)
    publicity_days = ma.fields.Integer(strict=True, load_default=0)
    subject = ma.fields.String(
        load_default="resident", validate=ma.validate.OneOf(["resident", "household"])
    )
    version = ma.fields.Integer(dump_only=True)
    effective_from = ma.fields.Date(dump_only=True)


class AdoptionSchema(ma.Schema):
    date = ma.fields.Date(required=True, metadata={"description": "the meeting's date"})
    body = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=60),
        metadata={"description": "who adopted it, e.g. 村民代表大会"},
    )
    votes_for = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    votes_against = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    votes_abstain = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    document = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(max=200),
        metadata={"description": "where the scanned record is kept"},
    )


class RuleBookIn(ma.Schema):
    village_id = ma.fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        metadata={"description": "a village's additions; omit for the town's book"},
    )
    town_id = ma.fields.Integer(
        strict=True, allow_none=True, load_default=None, metadata={"description": "omit: mine"}
    )
    effective_from = ma.fields.Date(required=True)
    adopted = ma.fields.Nested(AdoptionSchema, required=True)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    items = ma.fields.List(
        ma.fields.Nested(RuleItem), required=True, validate=ma.validate.Length(min=1, max=200)
    )


class AdoptionOut(ma.Schema):
    book = ma.fields.String(metadata={"description": "town | village"})
    number = ma.fields.Integer()
    effective_from = ma.fields.Date()
    adopted_on = ma.fields.Date(allow_none=True)
    body = ma.fields.String()
    votes_for = ma.fields.Integer(allow_none=True)
    votes_against = ma.fields.Integer(allow_none=True)
    votes_abstain = ma.fields.Integer(allow_none=True)
    document = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    in_force = ma.fields.Boolean()


class RuleBookOut(ma.Schema):
    town_id = ma.fields.Integer()
    village_id = ma.fields.Integer(allow_none=True)
    day = ma.fields.Date(metadata={"description": "the Shanghai day the book is read on"})
    items = ma.fields.List(ma.fields.Nested(RuleItem))
    in_force = ma.fields.List(ma.fields.Nested(AdoptionOut))
    history = ma.fields.List(ma.fields.Nested(AdoptionOut))


class RulesQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)
    town_id = ma.fields.Integer(load_default=None)

    @ma.validates_schema
    def one_place(self, data: dict, **_kwargs) -> None:
        if data.get("village_id") is None and data.get("town_id") is None:
            raise ma.ValidationError("请给出 village_id 或 town_id。", "village_id")


class BudgetQuery(ma.Schema):
    village_id = ma.fields.Integer(load_default=None)
    town_id = ma.fields.Integer(load_default=None)
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=2000, max=2100))


class BudgetOut(ma.Schema):
    year = ma.fields.Integer()
    village_id = ma.fields.Integer(allow_none=True)
    town_id = ma.fields.Integer()
    budget_points = ma.fields.Integer(allow_none=True)
    issued = ma.fields.Integer(
        metadata={"description": "awarded in the year, less deductions and reversals"}
    )
    redeemed = ma.fields.Integer()
    outstanding = ma.fields.Integer(metadata={"description": "points residents hold now"})
    point_value_yuan = ma.fields.Decimal(as_string=True, allow_none=True)
    liability_yuan = ma.fields.Decimal(
        as_string=True,
        allow_none=True,
        metadata={"description": "outstanding × value: what the 积分超市 owes"},
    )
    forecast_issued = ma.fields.Integer(
        metadata={"description": "by year end at this month's pace"}
    )
    used = ma.fields.Float(allow_none=True, metadata={"description": "issued ÷ budget"})
    warning = ma.fields.Boolean(metadata={"description": "80% of the budget or more issued"})
    over = ma.fields.Boolean()
    refuse_over_budget = ma.fields.Boolean()


def _book(args: dict) -> rules.Book:
    return rules.book_of(db.session, town_id=args.get("town_id"), village_id=args.get("village_id"))


def book_answer(book: rules.Book) -> dict:
    return {
        "town_id": book.town_id,
        "village_id": book.village_id,
        "day": book.day,
        "items": [rules.item_view(t) for t in book.items],
        "in_force": book.in_force,
        "history": book.history,
    }


@blp.route("/rules")
@blp.arguments(RulesQuery, location="query")
@blp.response(200, RuleBookOut)
def current_rules(args):
    """The rule book in force for a village (its town's book with its additions) or a town,
    with how each version in force was adopted and every earlier version (public)."""
    return book_answer(_book(args))


@blp.route("/rules/<code>/versions")
@blp.arguments(RulesQuery, location="query")
@blp.response(200, RuleItem(many=True))
def rule_versions(args, code):
    """Every version of one rule, newest first (public)."""
    found = rules.versions_of(
        db.session, code, town_id=args.get("town_id"), village_id=args.get("village_id")
    )
    return [rules.item_view(t) for t in found]


@blp.route("/rule-books", methods=["POST"])
@require(policy.ensure_admin)
@blp.arguments(RuleBookIn)
@blp.response(201, RuleBookOut)
def publish_rule_book(body):
    """Publish a new version of a town's book (town admins) or a village's additions (its
    village admins), with its adoption record; it is in force from `effective_from`."""
    version = rules.publish_from_form(db.session, current_user, body)
    return book_answer(
        rules.book_of(
            db.session,
            town_id=body.get("town_id") or current_user.town_id,
            village_id=body.get("village_id"),
            day=max(version.effective_from, rules.today()),
        )
    )


@blp.route("/budget")
@require(policy.ensure_admin)
@blp.arguments(BudgetQuery, location="query")
@blp.response(200, BudgetOut)
def budget(args):
    """A village's or a town's points budget for a year: issued, redeemed, outstanding, the
    yuan the 积分超市 owes, the year-end forecast (admins over the place)."""
    return budgets.figures_for(
        db.session,
        current_user,
        village_id=args["village_id"],
        town_id=args["town_id"],
        year=args["year"],
    )
