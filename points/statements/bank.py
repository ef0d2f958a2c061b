"""The bank's list: every consenting household of a place with its statement figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import ledger, policy
from points.admin.reports import Report
from points.clock import local_now, utcnow
from points.models import Household, HouseholdConsent, User, Village
from points.policy import Place
from points.statements.figures import household_figures


def bank_report(
    session: Session,
    actor: User,
    place: Place,
    *,
    year: int | None = None,
    now: datetime | None = None,
) -> Report:
    """Consenting households of a village (or a town), figures at the ledger's head now."""
    policy.ensure_may_handle_statements(actor, place)
    now = now or utcnow()
    year = year or local_now(now).year
    head_id, _ = ledger.head(session)
    query = (
        select(Household.id)
        .join(HouseholdConsent, HouseholdConsent.household_id == Household.id)
        .join(Village, Village.id == Household.village_id)
        .where(HouseholdConsent.withdrawn_at.is_(None))
        .order_by(Village.id, Household.code)
    )
    if place.village_id is not None:
        query = query.where(Household.village_id == place.village_id)
    elif place.town_id is not None:
        query = query.where(Village.town_id == place.town_id)
    years = [year - 2, year - 1, year]
    header = [
        "镇",
        "村",
        "户号",
        "参与年数",
        *[f"{y}年积分" for y in years],
        f"{year}年村内排名",
        "村内户数",
        "扣分次数",
        "扣分合计",
        "账本指纹",
    ]
    rows = []
    for household_id in session.scalars(query).all():
        f = household_figures(session, household_id, head_id=head_id, year=year, issued_at=now)
        rows.append(
            [
                f["town"],
                f["village"],
                f["household"],
                f["years_in_scheme"],
                *[f["earned_by_year"].get(str(y), 0) for y in years],
                f["rank_in_village"],
                f["households_in_village"],
                len(f["deductions"]),
                sum(d["points"] for d in f["deductions"]),
                f["head_hash"],
            ]
        )
    return Report("bank", f"积分贷 {year}", header, rows)
