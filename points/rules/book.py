"""Rule books (积分细则): a town's book and a village's additions, each with versions adopted
on a date by a body (村民代表大会 …) and in force from a day. Publishing a new version never
touches an old one: every award keeps the version it was made under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import policy
from points.admin import audit
from points.clock import local_now
from points.db import write_transaction
from points.errors import N_, DomainError, InvalidInput, NotFound
from points.models import (
    EventCategory,
    Rule,
    RuleBook,
    RuleBookVersion,
    RuleVersion,
    User,
    Village,
)
from points.models.rules import CONFIRMERS, RULE_KINDS, RULE_SUBJECTS, RULE_UNITS
from points.policy import Place
from points.rules import sql
from points.rules.caps import PERIODS, PERS
from points.rules.terms import Terms

MAX_RULE_POINTS = 1000
# The book carried over from the old event categories is in force since the beginning.
SINCE_EVER = date(2000, 1, 1)


class EffectiveTooEarly(DomainError):
    code = "effective_too_early"
    category = "conflict"
    template = N_("新版本的生效日期不能早于现行第 %(number)s 版（%(day)s）。")


class DuplicateRuleCode(DomainError):
    code = "duplicate_rule_code"
    template = N_("细则中“%(code)s”出现了不止一次。")


class MissingAdoption(DomainError):
    code = "missing_adoption"
    template = N_("请填写通过这版细则的会议（如村民代表大会）。")


def place_key(town_id: int, village_id: int | None) -> str:
    return f"v{village_id}" if village_id is not None else f"t{town_id}"


# --- reading and checking one item -----------------------------------------------------
def _whole(value: Any, label: str, low: int = 0, high: int = MAX_RULE_POINTS) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(detail=f"{label}: {low}–{high}")
    return value


def _text(value: Any, label: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(detail=f"{label}")
    if len(text) > limit:
        raise InvalidInput(detail=f"{label} ≤ {limit}")
    return text


def check_item(item: Any) -> dict:
    """One item of a rule book as the RuleVersion fields it becomes; InvalidInput if wrong."""
    if not isinstance(item, dict):
        raise InvalidInput(detail="items")
    code = _text(item.get("code"), "code", 32, required=True)
    if not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
        raise InvalidInput(detail=f"code {code!r}")
    kind = item.get("kind", "earn")
    unit = item.get("unit", "event")
    confirm_by = item.get("confirm_by", "staff")
    if kind not in RULE_KINDS or unit not in RULE_UNITS or confirm_by not in CONFIRMERS:
        raise InvalidInput(detail=f"{code}: kind/unit/confirm_by")
    subject = item.get("subject") or "resident"
    if subject not in RULE_SUBJECTS:
        raise InvalidInput(detail=f"{code}: subject")
    tiers = item.get("tiers") or None
    points = item.get("points")
    points_max = item.get("points_max")
    if tiers:
        if not isinstance(tiers, list) or not all(isinstance(t, dict) for t in tiers):
            raise InvalidInput(detail=f"{code}: tiers")
        tiers = [
            {
                "name": _text(t.get("name"), "tier name", 20, required=True),
                "name_en": _text(t.get("name_en"), "tier name_en", 40),
                "points": _whole(t.get("points"), "tier points", 1),
            }
            for t in tiers
        ]
        points = points_max = None
    elif points_max is not None:
        points_max = _whole(points_max, "points_max", 1)
        points = _whole(points, "points", 1, points_max) if points is not None else points_max
    else:
        points = _whole(points, "points", 1)
    caps = []
    for cap in item.get("caps") or []:
        if not isinstance(cap, dict) or cap.get("per") not in PERS:
            raise InvalidInput(detail=f"{code}: caps.per")
        if cap.get("period") not in PERIODS:
            raise InvalidInput(detail=f"{code}: caps.period")
        found = {"per": cap["per"], "period": cap["period"]}
        for limit in ("max_times", "max_points"):
            if cap.get(limit) is not None:
                found[limit] = _whole(cap[limit], f"caps.{limit}", 1, 100_000)
        if len(found) == 2:
            raise InvalidInput(detail=f"{code}: caps need max_times or max_points")
        caps.append(found)
    later = item.get("later_reporter_points")
    return {
        "code": code,
        "name_zh": _text(item.get("name") or item.get("name_zh"), "name", 60, required=True),
        "name_en": _text(item.get("name_en"), "name_en", 80),
        "description": _text(item.get("description"), "description", 500),
        "kind": kind,
        "points": points,
        "points_max": points_max,
        "tiers": tiers,
        "unit": unit,
        "caps": caps,
        "first_reporter_only": bool(item.get("first_reporter_only", False)),
        "later_reporter_points": None if later is None else _whole(later, "later_reporter_points"),
        "confirm_by": confirm_by,
        "evidence_required": bool(item.get("needs_evidence", item.get("evidence_required"))),
        "publicity_days": _whole(item.get("publicity_days", 0), "publicity_days", 0, 60),
        "subject": subject,
    }


@dataclass(frozen=True)
class Adoption:
    """How a version was adopted: the meeting, the body, the votes, a scanned record."""

    effective_from: date
    adopted_on: date | None = None
    body: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    document: str | None = None
    note: str = ""


# --- publishing ------------------------------------------------------------------------
def book_for(session: Session, town_id: int, village_id: int | None) -> RuleBook:
    """The place's book, opened on first use."""
    key = place_key(town_id, village_id)
    book = session.scalar(select(RuleBook).where(RuleBook.place == key))
    if book is None:
        book = RuleBook(place=key, town_id=town_id, village_id=village_id)
        session.add(book)
        session.flush()
    return book


def publish(
    session: Session,
    actor: User | None,
    *,
    town_id: int | None = None,
    village_id: int | None = None,
    adoption: Adoption,
    items: list,
) -> RuleBookVersion:
    """A new version of a town's book (village_id None) or of a village's additions.

    `items` is the whole book as it stands from `adoption.effective_from`: a rule left out
    is no longer in force from that day. Old versions, and awards made under them, stay.
    `actor` None: the system (a new town's first book, the demo).
    """
    if village_id is not None:
        village = session.get(Village, village_id)
        if village is None:
            raise NotFound(what=f"村 {village_id}")
        town_id = village.town_id
    if town_id is None:
        raise InvalidInput(detail="town_id / village_id")
    if actor is not None:
        policy.ensure_may_publish_rules(actor, Place(town_id, village_id))
    checked = [check_item(item) for item in items or []]
    if not checked:
        raise InvalidInput(detail="items")
    codes = [item["code"] for item in checked]
    for code in codes:
        if codes.count(code) > 1:
            raise DuplicateRuleCode(code=code)
    with write_transaction(session):
        book = book_for(session, town_id, village_id)
        latest = session.scalar(
            select(RuleBookVersion)
            .where(RuleBookVersion.book_id == book.id)
            .order_by(RuleBookVersion.number.desc())
            .limit(1)
        )
        if latest is not None and adoption.effective_from < latest.effective_from:
            raise EffectiveTooEarly(number=latest.number, day=latest.effective_from.isoformat())
        version = RuleBookVersion(
            book_id=book.id,
            number=(latest.number + 1) if latest else 1,
            effective_from=adoption.effective_from,
            adopted_on=adoption.adopted_on,
            adopted_by=adoption.body[:60],
            votes_for=adoption.votes_for,
            votes_against=adoption.votes_against,
            votes_abstain=adoption.votes_abstain,
            document=adoption.document,
            note=adoption.note[:500],
            created_by=actor.id if actor else None,
        )
        session.add(version)
        session.flush()
        known = {
            rule.code: rule for rule in session.scalars(select(Rule).where(Rule.book_id == book.id))
        }
        for order, item in enumerate(checked):
            code = item.pop("code")
            rule = known.get(code)
            if rule is None:
                rule = Rule(book_id=book.id, code=code)
                session.add(rule)
                session.flush()
            session.add(
                RuleVersion(rule_id=rule.id, book_version_id=version.id, sort_order=order, **item)
            )
        session.flush()
        if actor is not None:
            audit.record(
                session,
                actor_id=actor.id,
                action="rules.publish",
                village_id=village_id,
                target_type="rule_book",
                target_id=book.id,
                after={
                    "version": version.number,
                    "effective_from": adoption.effective_from.isoformat(),
                    "items": codes,
                },
            )
    return version


def publish_from_form(session: Session, actor: User, form: dict) -> RuleBookVersion:
    """Publish from what the page or the API sends: {village_id?, town_id?, effective_from,
    adopted: {date, body, votes_for?, votes_against?, votes_abstain?, document?}, note?,
    items: [...]} (both doors call this, so both are checked alike)."""
    adopted = form.get("adopted") or {}
    if not isinstance(adopted.get("date"), date) or not isinstance(
        form.get("effective_from"), date
    ):
        raise InvalidInput(detail="effective_from / adopted.date")
    body = str(adopted.get("body") or "").strip()
    if not body:
        raise MissingAdoption()
    votes = {}
    for name in ("votes_for", "votes_against", "votes_abstain"):
        value = adopted.get(name)
        votes[name] = None if value is None else _whole(value, name, 0, 1_000_000)
    village_id = form.get("village_id")
    return publish(
        session,
        actor,
        town_id=None if village_id is not None else (form.get("town_id") or actor.town_id),
        village_id=village_id,
        adoption=Adoption(
            effective_from=form["effective_from"],
            adopted_on=adopted["date"],
            body=body[:60],
            document=(adopted.get("document") or None),
            note=str(form.get("note") or "")[:500],
            **votes,
        ),
        items=form.get("items") or [],
    )


def ensure_default_book(session: Session, town_id: int) -> None:
    """A town without a book gets one from its event categories: each category a rule whose
    points each event sets (up to the most an event may give), in force since ever."""
    if session.scalar(select(RuleBook.id).where(RuleBook.place == place_key(town_id, None))):
        return
    cats = session.scalars(
        select(EventCategory)
        .where(EventCategory.town_id == town_id)
        .order_by(EventCategory.sort_order, EventCategory.id)
    ).all()
    if not cats:
        return
    items = [
        {
            "code": c.code,
            "name": c.name_zh,
            "name_en": c.name_en,
            "points": min(c.default_points, MAX_RULE_POINTS),
            "points_max": MAX_RULE_POINTS,
        }
        for c in cats
    ]
    publish(
        session,
        None,
        town_id=town_id,
        adoption=Adoption(effective_from=SINCE_EVER, body="", note="由原活动类别转入"),
        items=items,
    )


# --- finding rules ----------------------------------------------------------------------
def rule_for(
    session: Session, code: str, *, town_id: int, village_id: int | None = None
) -> Rule | None:
    """A rule by code for a place: the village's own addition first, then the town's."""
    keys = [place_key(town_id, None)]
    if village_id is not None:
        keys.insert(0, place_key(town_id, village_id))
    found = session.execute(
        select(Rule, RuleBook.place)
        .join(RuleBook, RuleBook.id == Rule.book_id)
        .where(Rule.code == code, RuleBook.place.in_(keys))
    ).all()
    by_place = {place: rule for rule, place in found}
    return next((by_place[key] for key in keys if key in by_place), None)


def terms_on(session: Session, rule_id: int, day: date) -> Terms | None:
    """What a rule says on a Shanghai day (None: not in force then)."""
    row = session.connection().execute(sql.RULE_IN_FORCE, {"rule_id": rule_id, "day": day}).first()
    return Terms.from_row(row) if row else None


def today() -> date:
    return local_now().date()
