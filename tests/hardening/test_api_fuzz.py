"""schemathesis over the whole API, as each role, on both databases: no 5xx, and every
answer (status, content type, headers, body) as the OpenAPI document says."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 2


def _run_operation(operation, headers: dict, failures: list) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # a fixed seed: the same cases on every run
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # collected, reported together
            lines = [line.strip(" |+-") for line in str(error).splitlines()]
            said = [line for line in lines if line and not line.startswith(("{", "}", '"'))]
            failures.append(f"{operation.label}: {' / '.join(said[:4])[:300]}")

    run()


@pytest.mark.parametrize("role", ["anonymous", "resident_a", "admin_a", "town_admin"])
def test_every_api_operation_answers_as_documented_for_each_role(app, auth, town, role):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {} if role == "anonymous" else auth.headers(getattr(town, role))
    failures: list[str] = []
    for result in schema.get_all_operations():
        _run_operation(result.ok(), headers, failures)
    assert failures == [], "\n".join(failures[:40])
