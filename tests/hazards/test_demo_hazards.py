"""Does the demo city hold hazards in every state and disputes, with their measures shown?"""

from __future__ import annotations

from sqlalchemy import select

from points import ledger
from points.cases import measures
from points.models import Case
from points.models.cases import DISPUTE_STATUSES, HAZARD_STATUSES
from points.policy import Place


def test_the_demo_has_hazards_in_every_state_disputes_and_the_city_measures(
    demo_city, session, client
):
    kinds = session.execute(select(Case.kind, Case.status)).all()
    assert {status for kind, status in kinds if kind == "hazard"} == set(HAZARD_STATUSES)
    assert {status for kind, status in kinds if kind == "dispute"} == set(DISPUTE_STATUSES)
    city = measures.measure(session, Place())
    assert city.hazards_overdue > 0 and city.fix_rate and city.mediation_rate
    assert city.success_rate is not None
    assert ledger.verify(session).ok
