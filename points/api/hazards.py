"""Hazard reports (隐患随手拍) and disputes (矛盾纠纷): /cases and their moves.

A report and the moves that carry photos (fix, resolve) are multipart forms (`photos`, one
to four files); the other moves take JSON. A dispute's parties are answered to staff only.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import marshmallow as ma
from flask import current_app, request, send_file
from flask_login import current_user
from flask_smorest import Blueprint

from points import policy
from points.auth import login_required
from points.cases import disputes, hazards, machine, photos
from points.cases.hazards import Outcome
from points.cases.machine import BadCase
from points.clock import utcnow
from points.errors import N_, Msgid, NotFound
from points.extensions import db
from points.models import Case

blp = Blueprint(
    "api_hazards", __name__, description="Hazard reports and disputes (隐患随手拍 · 矛盾纠纷)"
)

KINDS = ("hazard", "dispute")


class PartyOut(ma.Schema):
    name = ma.fields.String()
    phone = ma.fields.String()


class MediatorOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class AwardOut(ma.Schema):
    rule_code = ma.fields.String()
    rule_name = ma.fields.String()
    rule_version = ma.fields.Integer()
    points = ma.fields.Integer()
    capped_by = ma.fields.Dict()


class PostingRef(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String()
    end_date = ma.fields.String()


class CaseOut(ma.Schema):
    """A hazard report or a dispute (parties and mediators: disputes, for staff)."""

    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(KINDS)})
    status = ma.fields.String(required=True)
    title = ma.fields.String()
    description = ma.fields.String()
    place_text = ma.fields.String()
    lat = ma.fields.Float(allow_none=True)
    lng = ma.fields.Float(allow_none=True)
    village_id = ma.fields.Integer()
    grid_id = ma.fields.Integer(allow_none=True)
    reporter_id = ma.fields.Integer()
    reason = ma.fields.String(allow_none=True)
    duplicate_of = ma.fields.Integer(allow_none=True)
    assignee = ma.fields.String(allow_none=True)
    rating = ma.fields.Integer(allow_none=True)
    rating_comment = ma.fields.String(allow_none=True)
    photos = ma.fields.List(
        ma.fields.Integer(),
        metadata={"description": "photo ids: GET /cases/{id}/photos/{photo_id}"},
    )
    fix_photos = ma.fields.List(ma.fields.Integer(), metadata={"description": "photo ids"})
    agreement_photos = ma.fields.List(ma.fields.Integer(), metadata={"description": "photo ids"})
    parties = ma.fields.List(ma.fields.Nested(PartyOut))
    mediators = ma.fields.List(ma.fields.Nested(MediatorOut))
    tier = ma.fields.String(allow_none=True)
    followup = ma.fields.String(allow_none=True)
    overdue = ma.fields.Boolean()
    verify_due_at = ma.fields.String(allow_none=True)
    fix_due_at = ma.fields.String(allow_none=True)
    created_at = ma.fields.String(allow_none=True)
    verified_at = ma.fields.String(allow_none=True)
    fixed_at = ma.fields.String(allow_none=True)
    closed_at = ma.fields.String(allow_none=True)
    followup_at = ma.fields.String(allow_none=True)
    award = ma.fields.Nested(AwardOut)
    posting = ma.fields.Nested(PostingRef)
    postings = ma.fields.List(ma.fields.Nested(PostingRef))


class CaseQuery(ma.Schema):
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(KINDS))
    status = ma.fields.String(load_default=None, validate=ma.validate.Length(max=16))
    overdue = ma.fields.Boolean(load_default=False)
    village_id = ma.fields.Integer(load_default=None)


class CaseReasonIn(ma.Schema):
    reason = ma.fields.String(required=True)


class DuplicateIn(ma.Schema):
    duplicate_of = ma.fields.Integer(required=True)


class AssignIn(ma.Schema):
    assignee_id = ma.fields.Integer(load_default=None, allow_none=True)
    department = ma.fields.String(load_default="")


class RateIn(ma.Schema):
    rating = ma.fields.Integer(required=True)
    comment = ma.fields.String(load_default="")


class MediateIn(ma.Schema):
    mediators = ma.fields.List(ma.fields.Integer(), load_default=list)


class NoteIn(ma.Schema):
    note = ma.fields.String(required=True)


def _multipart(properties: dict, required: list[str]) -> dict:
    """A multipart/form-data request body for the document (these views read the form)."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": properties, "required": required}
            }
        },
    }


PHOTOS = {
    "type": "array",
    "items": {"type": "string", "format": "binary"},
    "minItems": 1,
    "maxItems": 4,
    "description": "1–4 photos (JPEG, PNG or WebP); re-encoded, EXIF removed",
}
REPORT_BODY = _multipart(
    {
        "kind": {"type": "string", "enum": list(KINDS)},
        "title": {"type": "string", "maxLength": 100},
        "description": {"type": "string", "maxLength": 2000},
        "place_text": {"type": "string", "maxLength": 200},
        "grid_id": {"type": "integer"},
        "village_id": {"type": "integer", "description": "dispute: the village (admins)"},
        "lat": {"type": "number", "description": "hazard: only if the reporter allows"},
        "lng": {"type": "number"},
        "parties": {
            "type": "string",
            "description": 'dispute: a JSON list of {"name", "phone"}, or one "name phone" a line',
        },
        "photos": {**PHOTOS, "description": "hazard: " + PHOTOS["description"]},
    },
    ["kind", "title"],
)
FIX_BODY = _multipart({"photos": PHOTOS, "note": {"type": "string"}}, ["photos"])
RESOLVE_BODY = _multipart(
    {
        "photos": PHOTOS,
        "tier": {"type": "string", "description": "the mediation rule's tier"},
        "mediators": {"type": "string", "description": "resident ids, comma separated"},
    },
    ["photos"],
)


def _uploads() -> list[str]:
    files = [f for f in request.files.getlist("photos") if f.filename]
    files += [f for f in request.files.getlist("photo") if f.filename]
    if len(files) > photos.MAX_PER_CASE:
        raise BadCase(detail=Msgid(N_("请附 1 到 4 张照片")))
    datas = [f.read(photos.MAX_BYTES + 1) for f in files]
    return photos.store_photos(current_app.instance_path, datas)


def _form() -> dict:
    if request.mimetype == "multipart/form-data" or request.mimetype.endswith("urlencoded"):
        return request.form.to_dict()
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _parties(raw):
    if isinstance(raw, str) and raw.strip().startswith("["):
        try:
            return json.loads(raw)
        except ValueError:
            raise BadCase(detail=Msgid(N_("当事人格式不正确"))) from None
    return raw


def answer(case, outcome=None, postings=None) -> dict:
    if case.kind == "dispute":
        found = disputes.view(db.session, case)
    elif outcome is not None:
        found = outcome.answer(db.session)
    else:
        found = hazards.view(db.session, case)
    if postings:
        found["postings"] = [
            {"id": p.id, "status": p.status, "end_date": p.end_date.isoformat()} for p in postings
        ]
    return found


@blp.route("/cases", methods=["POST"])
@login_required
@blp.doc(requestBody=REPORT_BODY)
@blp.response(201, CaseOut)
def create_case():
    """Report a hazard (随手拍, with 1–4 photos) or record a dispute (staff)."""
    form = _form()
    kind = str(form.get("kind") or "")
    if kind == "hazard":
        policy.ensure_may_report_hazard(current_user)  # before any photo is stored
        names = _uploads()
        case = hazards.report(
            db.session,
            reporter=current_user,
            title=form.get("title"),
            description=form.get("description"),
            place_text=form.get("place_text"),
            grid_id=form.get("grid_id"),
            lat=form.get("lat"),
            lng=form.get("lng"),
            photos=names,
        )
        return hazards.view(db.session, case)
    if kind == "dispute":
        case = disputes.record(
            db.session,
            actor=current_user,
            title=form.get("title"),
            parties=_parties(form.get("parties")),
            village_id=form.get("village_id"),
            grid_id=form.get("grid_id"),
            description=form.get("description"),
            place_text=form.get("place_text"),
        )
        return disputes.view(db.session, case)
    raise BadCase(detail=Msgid(N_("类型应为 hazard（隐患）或 dispute（纠纷）")))


@blp.route("/cases")
@login_required
@blp.arguments(CaseQuery, location="query")
@blp.response(200, CaseOut(many=True))
def list_cases(args):
    """Residents: their own hazard reports. Staff and admins: the hazards and disputes in
    their reach (grid workers: their grids'), open ones unless a status is asked for;
    `overdue=true`: hazards past their deadline."""
    if not policy.is_staff(current_user):
        return [hazards.view(db.session, c) for c in hazards.mine(db.session, current_user)]
    found = []
    kinds = (args["kind"],) if args["kind"] else KINDS
    if "hazard" in kinds:
        statuses = (args["status"],) if args["status"] else hazards.OPEN
        found += [
            hazards.view(db.session, c)
            for c in hazards.queue(
                db.session,
                current_user,
                statuses=statuses,
                overdue_at=utcnow() if args["overdue"] else None,
                village_id=args["village_id"],
            )
        ]
    if "dispute" in kinds and not args["overdue"]:
        statuses = (args["status"],) if args["status"] else ("found", "mediating")
        found += [
            disputes.view(db.session, c)
            for c in disputes.queue(
                db.session, current_user, statuses=statuses, village_id=args["village_id"]
            )
        ]
    return found


def _case(case_id: int):
    case = db.session.get(Case, case_id)
    if case is None or case.kind not in KINDS:
        raise NotFound(what=f"隐患或纠纷 {case_id}")
    return case


@blp.route("/cases/<int:case_id>")
@login_required
@blp.response(200, CaseOut)
def show_case(case_id):
    """A hazard (its reporter, the grid) or a dispute with its parties (staff only)."""
    case = _case(case_id)
    if case.kind == "dispute":
        return disputes.view(db.session, disputes.get_for(db.session, current_user, case_id))
    return hazards.view(db.session, hazards.get_for(db.session, current_user, case_id))


@blp.route("/cases/<int:case_id>/photos/<int:photo_id>")
@login_required
@blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="image/webp",
    description="the photo, re-encoded as WebP: no EXIF",
)
def case_photo(case_id, photo_id):
    """One photo of a case (ids in `photos`, `fix_photos`, `agreement_photos`): for its
    reporter and the staff over it (a dispute's: staff only), as the page serves it."""
    picture = machine.photo_to_show(db.session, current_user, case_id, photo_id)
    path = photos.photo_path(current_app.instance_path, picture.name)
    if not path.exists():
        raise NotFound(what=Msgid(N_("照片")))
    return send_file(path, mimetype="image/webp", max_age=3600)


def _move(use_case: Callable[..., Outcome], case_id: int, **fields) -> dict:
    """Make one move on a case as the caller and answer the case as it now stands: a hazard
    with the award its move earned, a dispute with its parties and mediators."""
    done = use_case(db.session, actor=current_user, case_id=case_id, **fields)
    if done.case.kind == "dispute":
        return disputes.view(db.session, done.case)
    return done.answer(db.session)


@blp.route("/cases/<int:case_id>/verify", methods=["POST"])
@login_required
@blp.response(200, CaseOut)
def verify_case(case_id):
    """The hazard is real: the reporter's points are held on public notice (公示)."""
    return _move(hazards.verify, case_id)


@blp.route("/cases/<int:case_id>/reject", methods=["POST"])
@login_required
@blp.arguments(CaseReasonIn)
@blp.response(200, CaseOut)
def reject_case(body, case_id):
    """Not taken up, with a reason the reporter is told."""
    return _move(hazards.reject, case_id, reason=body["reason"])


@blp.route("/cases/<int:case_id>/duplicate", methods=["POST"])
@login_required
@blp.arguments(DuplicateIn)
@blp.response(200, CaseOut)
def duplicate_case(body, case_id):
    """The same hazard as an earlier verified report: the rule's lesser amount, or none."""
    return _move(hazards.mark_duplicate, case_id, duplicate_of=body["duplicate_of"])


@blp.route("/cases/<int:case_id>/assign", methods=["POST"])
@login_required
@blp.arguments(AssignIn)
@blp.response(200, CaseOut)
def assign_case(body, case_id):
    """Hand the fix to a grid worker of the village (`assignee_id`) or a `department`."""
    return _move(
        hazards.assign, case_id, assignee_id=body["assignee_id"], department=body["department"]
    )


@blp.route("/cases/<int:case_id>/fix", methods=["POST"])
@login_required
@blp.doc(requestBody=FIX_BODY)
@blp.response(200, CaseOut)
def fix_case(case_id):
    """Fixed: multipart `photos` of the fix (1–4) and an optional `note`."""
    hazards.may_fix(db.session, current_user, case_id)  # 404/403 before storing anything
    form = _form()
    return _move(hazards.fix, case_id, photos=_uploads(), note=form.get("note"))


@blp.route("/cases/<int:case_id>/close", methods=["POST"])
@login_required
@blp.response(200, CaseOut)
def close_case(case_id):
    """Close a fixed hazard (办结)."""
    return _move(hazards.close, case_id)


@blp.route("/cases/<int:case_id>/rate", methods=["POST"])
@login_required
@blp.arguments(RateIn)
@blp.response(200, CaseOut)
def rate_case(body, case_id):
    """The reporter rates the fix, 1–5 stars with a comment, once."""
    return _move(hazards.rate, case_id, rating=body["rating"], comment=body["comment"])


@blp.route("/cases/<int:case_id>/mediate", methods=["POST"])
@login_required
@blp.arguments(MediateIn)
@blp.response(200, CaseOut)
def mediate_case(body, case_id):
    """Mediation starts, with the volunteer mediators (resident ids) staff pick."""
    return _move(disputes.mediate, case_id, mediators=body["mediators"])


@blp.route("/cases/<int:case_id>/resolve", methods=["POST"])
@login_required
@blp.doc(requestBody=RESOLVE_BODY)
@blp.response(200, CaseOut)
def resolve_case(case_id):
    """Agreement reached: multipart `photos` of the agreement, the `tier`, the `mediators`;
    each mediator's points are held on public notice."""
    disputes.get_for(db.session, current_user, case_id)
    form = _form()
    done, postings = disputes.resolve(
        db.session,
        actor=current_user,
        case_id=case_id,
        photos=_uploads(),
        tier=form.get("tier"),
        mediators=form.get("mediators"),
    )
    return answer(done.case, postings=postings)


@blp.route("/cases/<int:case_id>/fail", methods=["POST"])
@login_required
@blp.arguments(CaseReasonIn)
@blp.response(200, CaseOut)
def fail_case(body, case_id):
    """Mediation failed (with why)."""
    return _move(disputes.fail, case_id, reason=body["reason"])


@blp.route("/cases/<int:case_id>/hand-on", methods=["POST"])
@login_required
@blp.arguments(CaseReasonIn)
@blp.response(200, CaseOut)
def hand_on_case(body, case_id):
    """Handed on (to whom and why in `reason`)."""
    return _move(disputes.hand_on, case_id, reason=body["reason"])


@blp.route("/cases/<int:case_id>/follow-up", methods=["POST"])
@login_required
@blp.arguments(NoteIn)
@blp.response(200, CaseOut)
def follow_up_case(body, case_id):
    """A follow-up visit's note (回访), after the outcome."""
    return _move(disputes.follow_up, case_id, note=body["note"])
