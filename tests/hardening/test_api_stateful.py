"""schemathesis, stateful: chains of API calls linked by the ids one answer gives the next
(links inferred from the OpenAPI document), as a town admin, on both databases — no 5xx, every
answer as documented, and the ledger still verifies after the whole run."""

from __future__ import annotations

import pytest
import schemathesis
from hardening.test_api_fuzz import CHECKS
from hypothesis import HealthCheck, settings

from points.extensions import db
from points.ledger.verify import verify

pytestmark = [pytest.mark.slow]


def test_chains_of_linked_api_calls_answer_as_documented_and_keep_the_ledger_exact(app, auth, town):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = auth.headers(town.town_admin)
    failures: list[str] = []
    steps: list[str] = []

    class AsTownAdmin(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            steps.append(f"{case.method} {case.path}")
            try:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)
            except (Exception, BaseExceptionGroup) as error:  # collected, reported together
                said = [line.strip(" |+-") for line in str(error).splitlines() if line.strip()]
                failures.append(f"{case.method} {case.path}: {' / '.join(said[:3])[:300]}")

    AsTownAdmin.run(
        settings=settings(
            max_examples=12,
            stateful_step_count=6,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert len(steps) >= 24, steps  # it did walk chains, not give up at the first step
    assert any("{" in step for step in steps), steps  # and followed links to ids it was given
    assert failures == [], "\n".join(failures[:40])
    db.session.remove()
    assert verify(db.session).ok
