"""Does the demo city show a live 公示 notice, an objection to decide and a claim to review?"""

from __future__ import annotations

from sqlalchemy import select

from points.cases import publicity
from points.models import Case, Objection, Posting


def test_the_demo_has_a_live_notice_an_open_objection_and_claims_in_every_state(
    demo_city, session, client
):
    statuses = set(session.scalars(select(Case.status).where(Case.kind == "claim")))
    assert statuses == {"submitted", "approved", "rejected"}
    assert {p for p in session.scalars(select(Posting.status))} == {"open", "posted"}
    assert session.scalar(select(Objection.status)) == "open"
    village_id = session.scalar(select(Posting.village_id).where(Posting.status == "open"))
    page = client.get(f"/publicity?village_id={village_id}").get_data(as_text=True)
    assert "抢险救灾" in page and "*" in page
    assert publicity.pending_on_notice(session) > 0
