"""schemathesis against the live OpenAPI document (issue 18, issue 8 item 3): every operation, as an
owner and as bdb, with valid and invalid inputs, every check schemathesis has for a single response
(no server error, status code, content type, headers and body within the document, invalid data
refused, auth not ignored, …). Bounded: a fixed number of examples per operation, a fixed seed."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

from govpm.accounts.tokens import issue_token
from govpm.projects.scenarios import advance

from .factories import draft

pytestmark = pytest.mark.django_db

EXAMPLES = {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 1}
# A body the document accepts may still be refused by a rule of the policy (400 rule_violation), by the
# stage (409), the role (403) or because the project is not visible (404): those are answers, not faults.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2XX", "400", "401", "403", "404", "409"]}
        }
    }
)


def _examples(operation, mode: GenerationMode, token: str, found: list[str]) -> int:
    """Run one operation in one mode; collect each failure with its request instead of stopping."""
    calls = 0
    auth = {"Authorization": f"Token {token}"}

    @seed(20260301)
    @settings(
        max_examples=EXAMPLES[mode],
        database=None,
        deadline=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        nonlocal calls
        calls += 1
        response = case.call(headers=auth)
        try:
            case.validate_response(response, headers=auth)
        except FailureGroup as group:
            for failure in group.exceptions:
                found.append(
                    f"{operation.label} [{mode.value}] {type(failure).__name__}: {failure.title}"
                    f" — {case.as_curl_command()}"
                )

    try:
        run()
    except Unsatisfiable:
        # nothing to make invalid (no parameters, no body): the positive run covered it
        assert mode is GenerationMode.NEGATIVE, operation.label
    except Exception as exc:  # a generation error would hide an operation: report it
        found.append(f"{operation.label} [{mode.value}] could not run: {exc!r}"[:400])
    return calls


def _fuzz(schema, token: str, found: list[str]) -> int:
    return sum(
        _examples(result.ok(), mode, token, found)
        for result in schema.get_all_operations()
        for mode in EXAMPLES
    )


def test_no_response_outside_the_document_for_an_owner_and_for_bdb_issue_18(cast, clock, wsgi_app):
    """Every operation, both roles: 0 responses outside the schema, 0 server errors."""
    # given projects the two users can see, so some generated ids find something
    advance(draft(cast.owner, name="已入库需求"), cast, to="pooled", shift=clock.shift)
    draft(cast.owner, name="草稿需求")
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=CONFIG)
    found: list[str] = []
    calls = 0
    for user in (cast.owner, cast.bdb):
        calls += _fuzz(schema, issue_token(user, device="schemathesis").key, found)

    assert calls >= 2 * len(list(schema.get_all_operations())) * 2
    assert found == [], f"{len(found)} failures:\n" + "\n".join(found)
