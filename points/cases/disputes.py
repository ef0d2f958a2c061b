"""Disputes (矛盾纠纷): found in the grid, mediated, resolved — and visited again after.

    found ──mediate──▶ mediating ──resolve──▶ resolved   (the agreement's photo; mediators paid)
      │                    ├──────fail─────▶ failed
      └──────hand_on───────┴──────hand_on──▶ handed_on  (to the town's centre, a court …)
    resolved | failed | handed_on ──follow_up──▶ (the same state, a visit's note added)

A dispute is recorded by a grid worker of its grid or an admin over its village. Its
parties' names and phones (CaseParty) are for staff only: no public page or public API
answer reads them, and a resident cannot open a dispute at all. On resolution every mediator
(a resident of the village picked by staff: a volunteer mediator) is awarded under the
village's `mediation` rule at the dispute's tier (caps consumed then), each held on public
notice through `publicity.hold_award` — the 公示 shows the mediator's masked name and the
rule, never the dispute. No `mediation` rule in force: resolved, no points.

The city's measures read these states: found = every dispute, mediated = those that reached
mediation (mediating, resolved, failed), resolved = resolved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from points import policy, rules
from points.cases import machine, publicity
from points.cases.hazards import Outcome
from points.cases.machine import BadCase, clean_text, stamp
from points.clock import local, local_time, utcnow
from points.db import write_transaction
from points.errors import N_, Msgid, NotFound
from points.models import Case, CaseMediator, CaseParty, Grid, Posting, Role, User
from points.places import village_place
from points.rules.award import grant
from points.rules.budget import ensure_within

RULE_CODE = "mediation"
MAX_PARTIES = 10
MAX_MEDIATORS = 5
MEDIATED = ("mediating", "resolved", "failed")
CLOSED = ("resolved", "failed", "handed_on")


def _parties(raw: object) -> list[tuple[str, str]]:
    """[(name, phone)] from a list of {name, phone} or of "name phone" lines."""
    if isinstance(raw, str):
        raw = [line for line in raw.splitlines() if line.strip()]
    found = []
    for item in raw or []:
        if isinstance(item, dict):
            name, phone = str(item.get("name") or ""), str(item.get("phone") or "")
        else:
            name, _, phone = str(item).strip().partition(" ")
        name, phone = name.strip(), phone.strip()
        if not 1 <= len(name) <= 40 or len(phone) > 20:
            raise BadCase(detail=Msgid(N_("当事人姓名 1–40 字，电话不超过 20 位")))
        found.append((name, phone))
    if not 1 <= len(found) <= MAX_PARTIES:
        raise BadCase(detail=Msgid(N_("请填写 1 到 10 位当事人")))
    return found


def _ids(raw: object) -> list[int]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = raw.replace("，", ",").split(",")
    if not isinstance(raw, list | tuple):
        raw = [raw]
    try:
        found = [int(str(x).strip()) for x in raw if str(x).strip()]
    except ValueError:
        raise BadCase(detail=Msgid(N_("调解员选择有误"))) from None
    return list(dict.fromkeys(found))


def _mediators(session: Session, case: Case, raw: object) -> list[User]:
    """Residents of the dispute's village, at most five."""
    ids = _ids(raw)
    if len(ids) > MAX_MEDIATORS:
        raise BadCase(detail=Msgid(N_("调解员最多 5 位")))
    people = [session.get(User, i) for i in ids]
    for person in people:
        if person is None or person.role != Role.RESIDENT or person.village_id != case.village_id:
            raise BadCase(detail=Msgid(N_("调解员应是本村的村民（志愿调解员）")))
    return people


def record(
    session: Session,
    *,
    actor: User,
    title: object,
    parties: object,
    village_id: object = None,
    grid_id: object = None,
    description: object = "",
    place_text: object = "",
    now: datetime | None = None,
) -> Case:
    """Record a dispute found in the grid (排查), with its parties (staff only)."""
    moment = now or utcnow()
    village = actor.village_id
    if village_id not in (None, ""):
        try:
            village = int(village_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BadCase(detail=Msgid(N_("村不正确"))) from None
    grid = None
    if grid_id not in (None, ""):
        try:
            grid = session.get(Grid, int(grid_id))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            grid = None
        if grid is None or (village is not None and grid.village_id != village):
            raise BadCase(detail=Msgid(N_("网格不属于这个村")))
        village = grid.village_id
    elif actor.role == Role.STAFF and len(actor.grid_ids) == 1:
        own = session.get(Grid, next(iter(actor.grid_ids)))
        grid = own if own is not None and own.village_id == village else None
    if village is None:
        raise BadCase(detail=Msgid(N_("请选择纠纷所在的村")))
    place = village_place(session, village)
    place = policy.Place(place.town_id, place.village_id, grid.id if grid else None)
    policy.ensure_may_record_dispute(actor, place)
    if place.town_id is None:  # no such village (only the city's admin gets this far)
        raise NotFound(what=f"村 {village}")
    title = clean_text(title, 100, N_("请写明纠纷事由（不超过 100 字）"), required=True)
    description = clean_text(description, 2000, N_("说明不超过 2000 字"), required=False)
    where = clean_text(place_text, 200, N_("地点不超过 200 字"), required=False)
    people = _parties(parties)
    with write_transaction(session):
        case = machine.new_case(
            session,
            "dispute",
            "found",
            reporter_id=actor.id,
            place=place,
            title=title,
            description=description,
            now=moment,
            place_text=where,
        )
        for name, phone in people:
            session.add(CaseParty(case_id=case.id, name=name, phone=phone))
        session.flush()
        machine.record(session, actor.id, "record", case, "")
    return case


def _checked(session: Session, actor: User, case_id: int) -> Case:
    case = machine.read(session, case_id, "dispute")
    policy.ensure_may_handle_dispute(actor, policy.place_of(case))
    return case


def _set_mediators(session: Session, case: Case, people: list[User]) -> None:
    session.execute(delete(CaseMediator).where(CaseMediator.case_id == case.id))
    for person in people:
        session.add(CaseMediator(case_id=case.id, user_id=person.id))
    session.flush()


def mediate(
    session: Session,
    *,
    actor: User,
    case_id: int,
    mediators: object = None,
    now: datetime | None = None,
) -> Outcome:
    """Mediation starts, with the volunteer mediators staff pick (may be picked at the end)."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    people = _mediators(session, case, mediators)
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "mediate",
            ("found",),
            "mediating",
            assigned_at=moment,  # mediation began
            updated_by=actor.id,
        )
        _set_mediators(session, case, people)
        machine.record(session, actor.id, "mediate", case, "found")
    return Outcome(case)


def resolve(
    session: Session,
    *,
    actor: User,
    case_id: int,
    photos: list[str],
    tier: object = None,
    mediators: object = None,
    now: datetime | None = None,
) -> tuple[Outcome, list[Posting]]:
    """Agreement reached (the signed agreement's photo): each mediator's award is held on
    notice under the mediation rule at the dispute's tier."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    if not 1 <= len(photos) <= machine.MAX_PHOTOS:
        raise BadCase(detail=Msgid(N_("请附调解协议书的照片（1 到 4 张）")))
    people = _mediators(session, case, mediators) if mediators not in (None, "") else None
    level = str(tier or "").strip() or None
    rule = rules.rule_for(session, RULE_CODE, town_id=case.town_id, village_id=case.village_id)
    terms = rules.terms_on(session, rule.id, local(moment).date()) if rule else None
    if terms is not None and level is not None and terms.tiers and not terms.tier_named(level):
        raise BadCase(detail=Msgid(N_("没有这一档调解难度")))
    postings: list[Posting] = []
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "resolve",
            ("mediating",),
            "resolved",
            closed_at=moment,
            tier=level or "",
            decided_by=actor.id,
            decided_at=moment,
            updated_by=actor.id,
        )
        if people is not None:
            _set_mediators(session, case, people)
        machine.add_photos(session, case, photos, "agreement", moment)
        if terms is not None and terms.kind == "earn":
            case.rule_id = rule.id
            session.flush()
            for mediator in mediators_of(session, case.id):
                granted = grant(
                    session.connection(),
                    rule_id=rule.id,
                    resident_id=mediator.id,
                    household_id=mediator.household_id,
                    at=moment,
                    tier=level if terms.tiers else None,
                    occasion=f"case{case.id}",
                )
                if granted.points <= 0:
                    continue
                ensure_within(session, case.village_id, case.town_id, moment, granted.points)
                postings.append(
                    publicity.hold_award(
                        session,
                        case=case,
                        resident=mediator,
                        granted=granted,
                        actor_id=actor.id,
                        now=moment,
                        what="矛盾调解",
                        reference=f"case:{case.id}:m{mediator.id}",
                    )
                )
        machine.record(session, actor.id, "resolve", case, "mediating")
    return Outcome(case), postings


def fail(
    session: Session, *, actor: User, case_id: int, reason: object, now: datetime | None = None
) -> Outcome:
    """Mediation did not reach agreement (with why)."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    text = publicity.clean_reason(reason)
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "fail",
            ("mediating",),
            "failed",
            reason=text,
            closed_at=moment,
            updated_by=actor.id,
        )
        machine.record(session, actor.id, "fail", case, "mediating")
    return Outcome(case)


def hand_on(
    session: Session, *, actor: User, case_id: int, reason: object, now: datetime | None = None
) -> Outcome:
    """Handed on to whoever must take it up (the town's mediation centre, the police, a
    court): `reason` says to whom and why."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    text = publicity.clean_reason(reason)
    before = case.status
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "hand_on",
            ("found", "mediating"),
            "handed_on",
            reason=text,
            closed_at=moment,
            updated_by=actor.id,
        )
        machine.record(session, actor.id, "hand_on", case, before)
    return Outcome(case)


def follow_up(
    session: Session, *, actor: User, case_id: int, note: object, now: datetime | None = None
) -> Outcome:
    """A follow-up visit (回访) after the outcome: its note is added, the state stays."""
    moment = now or utcnow()
    case = _checked(session, actor, case_id)
    text = clean_text(note, 500, N_("请写回访情况（不超过 500 字）"), required=True)
    line = f"{local_time(moment)} {text}"
    notes = f"{case.followup}\n{line}" if case.followup else line
    with write_transaction(session):
        case = machine.move(
            session,
            case,
            "follow_up",
            CLOSED,
            case.status if case.status in CLOSED else "resolved",
            extra_where=Case.status == case.status,
            followup=notes,
            followup_at=moment,
            updated_by=actor.id,
        )
        machine.record(session, actor.id, "follow_up", case, case.status)
    return Outcome(case)


# --- reading (staff only) ----------------------------------------------------------------------
def mediators_of(session: Session, case_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(CaseMediator, CaseMediator.user_id == User.id)
            .where(CaseMediator.case_id == case_id)
            .order_by(CaseMediator.id)
        )
    )


def parties_of(session: Session, case_id: int) -> list[CaseParty]:
    return list(
        session.scalars(
            select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.id)
        )
    )


def view(session: Session, case: Case) -> dict:
    """A dispute as staff see it: with its parties."""
    return {
        "id": case.id,
        "kind": case.kind,
        "status": case.status,
        "title": case.title,
        "description": case.description,
        "place_text": case.place_text,
        "village_id": case.village_id,
        "grid_id": case.grid_id,
        "reporter_id": case.reporter_id,
        "parties": [{"name": p.name, "phone": p.phone} for p in parties_of(session, case.id)],
        "mediators": [{"id": m.id, "name": m.name} for m in mediators_of(session, case.id)],
        "tier": case.tier or None,
        "reason": case.reason or None,
        "followup": case.followup or None,
        "agreement_photos": [
            p.id for p in machine.photos_of(session, case.id) if p.role == "agreement"
        ],
        "created_at": stamp(case.created_at),
        "closed_at": stamp(case.closed_at),
        "followup_at": stamp(case.followup_at),
    }


def get_for(session: Session, actor: User, case_id: int) -> Case:
    case = machine.read(session, case_id, "dispute")
    policy.ensure_may_see_case(actor, policy.place_of(case), case.reporter_id, case.kind)
    return case


def queue(
    session: Session,
    actor: User,
    *,
    statuses: tuple[str, ...] = ("found", "mediating"),
    village_id: int | None = None,
    limit: int = 200,
) -> list[Case]:
    """Disputes in the actor's reach (grid workers: their grids'), oldest first."""
    policy.ensure_staff(actor)
    query = (
        select(Case)
        .where(Case.kind == "dispute", Case.status.in_(statuses))
        .where(policy.within(actor, village=Case.village_id, town=Case.town_id, grid=Case.grid_id))
        .order_by(Case.id)
        .limit(limit)
    )
    if village_id is not None:
        query = query.where(Case.village_id == village_id)
    return list(session.scalars(query))
