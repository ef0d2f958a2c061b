"""Recording a household's consent and issuing its statement (both audited)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import ledger, policy
from points.admin import audit
from points.clock import local_now, utcnow
from points.db import write_transaction
from points.errors import N_, DomainError, NotFound
from points.models import Household, HouseholdConsent, StatementIssue, User, Village
from points.policy import Place
from points.statements.figures import household_figures


class NoConsent(DomainError):
    code = "no_consent"
    category = "conflict"
    template = N_("该户尚未登记同意，不能出具积分贷报告。")


def _household(session: Session, household_id: int) -> tuple[Household, Place]:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(what=N_("该户"))
    town_id = session.scalar(select(Village.town_id).where(Village.id == household.village_id))
    return household, Place(town_id, household.village_id)


def place_of(session: Session, household_id: int) -> Place:
    return _household(session, household_id)[1]


def has_consent(session: Session, household_id: int) -> bool:
    return (
        session.scalar(
            select(HouseholdConsent.id).where(
                HouseholdConsent.household_id == household_id,
                HouseholdConsent.withdrawn_at.is_(None),
            )
        )
        is not None
    )


def record_consent(
    session: Session, actor: User, household_id: int, *, note: str = "", given: bool = True
) -> bool:
    """Record (or withdraw) a household's consent to share its record with the bank."""
    household, place = _household(session, household_id)
    policy.ensure_may_handle_statements(actor, place)
    note = str(note or "").strip()[:200]
    with write_transaction(session):
        row = session.scalar(
            select(HouseholdConsent).where(HouseholdConsent.household_id == household_id)
        )
        before = row is not None and row.withdrawn_at is None
        if row is None:
            row = HouseholdConsent(household_id=household_id, recorded_by=actor.id, note=note)
            session.add(row)
        row.recorded_by, row.recorded_at, row.note = actor.id, utcnow(), note
        row.withdrawn_at = None if given else utcnow()
        audit.record(
            session,
            actor_id=actor.id,
            action="household.consent",
            town_id=place.town_id,
            village_id=place.village_id,
            target_type="household",
            target_id=household.id,
            before={"consent": before},
            after={"consent": given, "note": note},
        )
    return given


@dataclass(frozen=True)
class Checked:
    issue: StatementIssue
    figures: dict  # recomputed now, at the statement's head
    matches: bool


def issue(
    session: Session,
    actor: User,
    household_id: int,
    *,
    year: int | None = None,
    now: datetime | None = None,
) -> StatementIssue:
    """Issue a statement for a consenting household: figures at the ledger's head now."""
    household, place = _household(session, household_id)
    policy.ensure_may_handle_statements(actor, place)
    if not has_consent(session, household_id):
        raise NoConsent()
    now = now or utcnow()
    year = year or local_now(now).year
    with write_transaction(session):
        head_id, head_hash = ledger.head(session)
        figures = household_figures(
            session, household_id, head_id=head_id, year=year, issued_at=now
        )
        figures["issued_on"] = local_now(now).strftime("%Y-%m-%d")
        issued = StatementIssue(
            token=secrets.token_urlsafe(18),
            household_id=household_id,
            issued_by=actor.id,
            issued_at=now,
            head_id=head_id,
            head_hash=head_hash,
            figures=figures,
        )
        session.add(issued)
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="household.statement",
            town_id=place.town_id,
            village_id=place.village_id,
            target_type="household",
            target_id=household.id,
            after={"statement": issued.id, "head_id": head_id, "year": year},
        )
    return issued


def check(session: Session, token: str) -> Checked:
    """Recompute a statement from the ledger at its head: does it still agree?"""
    issued = session.scalar(select(StatementIssue).where(StatementIssue.token == token))
    if issued is None:
        raise NotFound(what=N_("该报告"))
    stored = dict(issued.figures)
    figures = household_figures(
        session,
        issued.household_id,
        head_id=issued.head_id,
        year=stored["year"],
        issued_at=issued.issued_at,
    )
    figures["issued_on"] = stored.get("issued_on")
    matches = figures == stored and figures["head_hash"] == issued.head_hash
    return Checked(issued, figures, matches)
