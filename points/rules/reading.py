"""Reading rule books: what is in force for a village (its town's book with the village's
additions), how each version was adopted, and every version of one rule."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from points.errors import NotFound
from points.models import Rule, RuleBook, RuleBookVersion, RuleVersion, Village
from points.rules.book import place_key, today
from points.rules.terms import Terms


@dataclass(frozen=True)
class BookVersion:
    """One version of a book and how it was adopted."""

    book: str  # 'town' | 'village'
    number: int
    effective_from: date
    adopted_on: date | None
    body: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    document: str | None
    note: str
    in_force: bool = False
    items: list[Terms] = field(default_factory=list)


@dataclass(frozen=True)
class Book:
    """The rules in force for a place on a day, and the versions of its books."""

    town_id: int
    village_id: int | None
    day: date
    items: list[Terms]
    in_force: list[BookVersion]  # the town's version in force, then the village's
    history: list[BookVersion]  # every version of both books, newest first


def _where(session: Session, town_id: int | None, village_id: int | None) -> tuple[int, int | None]:
    if village_id is not None:
        village = session.get(Village, village_id)
        if village is None:
            raise NotFound(what=f"村 {village_id}")
        return village.town_id, village_id
    if town_id is None:
        raise NotFound(what="镇")
    return town_id, None


def _terms_of(rule: Rule, rv: RuleVersion, book_version: RuleBookVersion) -> Terms:
    """One rule's terms as its book version states them (with the plain-words description)."""
    row = (
        rule.id,
        rule.code,
        rv.id,
        book_version.number,
        rv.name_zh,
        rv.name_en,
        rv.kind,
        rv.points,
        rv.points_max,
        rv.tiers,
        rv.unit,
        rv.caps,
        rv.first_reporter_only,
        rv.later_reporter_points,
        rv.confirm_by,
        rv.evidence_required,
        rv.publicity_days,
        book_version.effective_from,
        rv.subject,
    )
    return replace(Terms.from_row(row), description=rv.description)


def _terms(session: Session, version: RuleBookVersion) -> list[Terms]:
    rows = session.execute(
        select(Rule, RuleVersion)
        .join(RuleVersion, RuleVersion.rule_id == Rule.id)
        .where(RuleVersion.book_version_id == version.id)
        .order_by(RuleVersion.sort_order, RuleVersion.id)
    ).all()
    return [_terms_of(rule, rv, version) for rule, rv in rows]


def _view(version: RuleBookVersion, kind: str, in_force: bool, items=None) -> BookVersion:
    return BookVersion(
        book=kind,
        number=version.number,
        effective_from=version.effective_from,
        adopted_on=version.adopted_on,
        body=version.adopted_by,
        votes_for=version.votes_for,
        votes_against=version.votes_against,
        votes_abstain=version.votes_abstain,
        document=version.document,
        note=version.note,
        in_force=in_force,
        items=items or [],
    )


def book_of(
    session: Session,
    *,
    town_id: int | None = None,
    village_id: int | None = None,
    day: date | None = None,
    with_history_items: bool = False,
) -> Book:
    """The book in force for a village (town + its additions) or a town on a Shanghai day."""
    town_id, village_id = _where(session, town_id, village_id)
    day = day or today()
    keys = [("town", place_key(town_id, None))]
    if village_id is not None:
        keys.append(("village", place_key(town_id, village_id)))
    items: dict[str, Terms] = {}
    in_force: list[BookVersion] = []
    history: list[BookVersion] = []
    for kind, key in keys:
        book = session.scalar(select(RuleBook).where(RuleBook.place == key))
        if book is None:
            continue
        versions = session.scalars(
            select(RuleBookVersion)
            .where(RuleBookVersion.book_id == book.id)
            .order_by(RuleBookVersion.effective_from.desc(), RuleBookVersion.number.desc())
        ).all()
        current = next((v for v in versions if v.effective_from <= day), None)
        for version in versions:
            listed = _terms(session, version) if with_history_items else []
            history.append(_view(version, kind, version is current, listed))
        if current is not None:
            terms = _terms(session, current)
            in_force.append(_view(current, kind, True, terms))
            for item in terms:
                items[item.code] = item  # a village's own item replaces the town's
    history.sort(key=lambda v: (v.effective_from, v.number), reverse=True)
    return Book(town_id, village_id, day, list(items.values()), in_force, history)


def current_items(
    session: Session, *, town_id: int | None = None, village_id: int | None = None
) -> list[Terms]:
    return book_of(session, town_id=town_id, village_id=village_id).items


def versions_of(
    session: Session, code: str, *, town_id: int | None = None, village_id: int | None = None
) -> list[Terms]:
    """Every version of one rule (the village's own of that code, else the town's), newest
    first."""
    town_id, village_id = _where(session, town_id, village_id)
    keys = [place_key(town_id, None)]
    if village_id is not None:
        keys.insert(0, place_key(town_id, village_id))
    for key in keys:
        rule = session.scalar(
            select(Rule)
            .join(RuleBook, RuleBook.id == Rule.book_id)
            .where(RuleBook.place == key, Rule.code == code)
        )
        if rule is None:
            continue
        rows = session.execute(
            select(RuleVersion, RuleBookVersion)
            .join(RuleBookVersion, RuleBookVersion.id == RuleVersion.book_version_id)
            .where(RuleVersion.rule_id == rule.id)
            .order_by(RuleBookVersion.effective_from.desc(), RuleBookVersion.number.desc())
        ).all()
        return [_terms_of(rule, rv, bv) for rv, bv in rows]
    raise NotFound(what=f"积分规则 {code}")
