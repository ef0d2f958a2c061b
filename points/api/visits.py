"""Home visits (平安家访 · 民情日记): a grid's households with their last visits, recording a
visit confirmed by a member, a household's diary."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy, visits
from points.auth import require
from points.errors import InvalidInput
from points.extensions import db
from points.visits import doors
from points.web.edge.scanning import secret

blp = Blueprint("api_visits", __name__, description="Home visits (平安家访 · 民情日记)")


class HouseholdsQuery(ma.Schema):
    grid_id = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(1, 2**31 - 1),
        metadata={"description": "one grid; without it, the grid worker's own grids"},
    )


class HouseholdRowOut(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    village_name = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True)
    grid_name = ma.fields.String()
    head = ma.fields.String(metadata={"description": "the first member's name, masked"})
    members = ma.fields.Integer()
    last_visit = ma.fields.Date(allow_none=True)
    visited_this_quarter = ma.fields.Boolean(
        metadata={"description": "visited since the first day of this Shanghai quarter"}
    )


class VisitIn(ma.Schema):
    household_id = ma.fields.Integer(
        strict=True, load_default=None, validate=ma.validate.Range(1, 2**31 - 1)
    )
    door_code = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=300),
        metadata={"description": "the scanned door QR (its URL or token), instead of household_id"},
    )
    note = ma.fields.String(required=True, validate=ma.validate.Length(max=1000))
    follow_up = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    hazard_found = ma.fields.Boolean(load_default=False)
    dispute_found = ma.fields.Boolean(load_default=False)
    confirmation = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["card", "in_person"]),
        metadata={"description": "card: the member's card scanned; in_person: 当面确认"},
    )
    member_id = ma.fields.Integer(
        strict=True, load_default=None, validate=ma.validate.Range(1, 2**31 - 1)
    )
    card_token = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=500))
    visited_at = ma.fields.AwareDateTime(
        load_default=None,
        metadata={
            "description": "a visit kept offline: when it was made, with its timezone offset "
            "(ISO 8601). The visit's Shanghai day and its awards are taken from it; refused "
            "(nothing written) if it is in the future or older than the offline lag "
            "(`offline_max_lag_hours`, 24 h unless the place sets it)"
        },
    )
    client_key = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=120),
        metadata={
            "description": "a key the phone made for this visit: sending it again (a lost "
            "answer, a retried upload) answers the first visit and awards nothing"
        },
    )

    @ma.validates_schema
    def one_household(self, data, **_kwargs) -> None:
        if (data.get("household_id") is None) == (data.get("door_code") is None):
            raise ma.ValidationError("请提供 household_id 或 door_code 其中之一。")


class VisitOut(ma.Schema):
    id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    worker_id = ma.fields.Integer()
    village_id = ma.fields.Integer()
    grid_id = ma.fields.Integer(allow_none=True)
    day = ma.fields.String(metadata={"description": "the Shanghai day, YYYY-MM-DD"})
    visited_at = ma.fields.String(metadata={"description": "UTC, ISO 8601"})
    note = ma.fields.String()
    follow_up = ma.fields.String()
    hazard_found = ma.fields.Boolean()
    dispute_found = ma.fields.Boolean()
    confirmed_by = ma.fields.Integer()
    confirmation = ma.fields.String()
    member_points = ma.fields.Integer()
    worker_points = ma.fields.Integer()
    worker_name = ma.fields.String()
    already = ma.fields.Boolean(metadata={"description": "recorded earlier the same day"})
    member_award = ma.fields.Dict(allow_none=True)
    worker_award = ma.fields.Dict(allow_none=True)


@blp.route("/visits/households")
@require(policy.ensure_staff)
@blp.arguments(HouseholdsQuery, location="query")
@blp.response(200, HouseholdRowOut(many=True))
def households(args):
    """A grid's households (or the grid worker's), not visited this quarter first, each with
    its last visit. No counts per worker: grid workers are never ranked."""
    return visits.households_of(db.session, current_user, grid_id=args["grid_id"])


@blp.route("/visits", methods=["POST"])
@require(policy.ensure_staff)
@blp.arguments(VisitIn)
@blp.response(201, VisitOut)
@blp.alt_response(200, schema=VisitOut, description="already recorded today: nothing new")
def record_visit(body):
    """Record a home visit confirmed by a member of the household (`card_token` of their
    card, or `member_id` with `confirmation: in_person`); it earns under the rule book.
    One visit per household, worker and Shanghai day: a repeat is 200 `already: true`.

    A visit kept on the phone without signal is uploaded later with `visited_at` and
    `client_key`: judged on its own day, at most once whatever the retries; one older than
    the offline lag is 409 `offline_too_old`, one in the future 422 `offline_future`."""
    household_id = body["household_id"]
    if household_id is None:
        household_id = doors.household_for_door(db.session, secret(), body["door_code"]).id
    if body["confirmation"] == "card" and not body["card_token"]:
        raise InvalidInput("confirmation 为 card 时请提供 card_token。")
    done = visits.record(
        db.session,
        current_user,
        household_id=household_id,
        note=body["note"],
        follow_up=body["follow_up"],
        hazard_found=body["hazard_found"],
        dispute_found=body["dispute_found"],
        confirmation=body["confirmation"],
        member_id=body["member_id"],
        card_token=body["card_token"],
        secret=secret(),
        visited_at=(
            None
            if body["visited_at"] is None
            else body["visited_at"].astimezone(UTC).replace(tzinfo=None)
        ),
        client_key=body["client_key"],
    )
    return done.answer(), 200 if done.already else 201


@blp.route("/households/<int:household_id>/visits")
@require(policy.ensure_staff)
@blp.response(200, VisitOut(many=True))
def household_visits(household_id):
    """A household's latest visits (民情日记), for those who may visit it."""
    return visits.recent(db.session, current_user, household_id)
