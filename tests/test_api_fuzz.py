"""Fuzzing the API with schemathesis against the schema it serves: no 500s, and every answer matches
the schema (status code, content type, headers, body); calls without the token, or with a wrong one,
are refused.

Invalid requests are generated too: they must not cause a 500, and must be refused (a filter given
empty or with a value its schema does not allow is a 400, aso.core.filtering); a request the schema
allows must be accepted.

The schema is fetched from /api/v1/schema/ through the WSGI application, as a client would; each
operation gets its share of FUZZ_BUDGET valid and invalid generated requests (derandomized, so CI is
repeatable), as a signed-in administrator with a token, against a small world of objects. New operations
are fuzzed as soon as they are in the schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from tests.matrix import build_world

# The run is bounded as the API grows: about FUZZ_BUDGET generated requests in all, shared among the
# operations (at least 5 valid and 5 invalid each); FUZZ_EXAMPLES fixes the number per operation instead.
FUZZ_BUDGET = int(os.environ.get("FUZZ_BUDGET", "400"))
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))


@pytest.fixture
def wsgi_app(db) -> Iterator[WSGIHandler]:  # type: ignore[no-untyped-def]
    """The real WSGI application, inside the test's transaction (as Django's test client does, the
    per-request connection recycling is off, or it would close the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str], examples: int) -> None:  # type: ignore[no-untyped-def]
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        # Authenticate with the token only (the generated session cookie would be nonsense), so
        # schemathesis can probe that calls without it, or with a wrong one, are refused.
        case.cookies = {}
        case.call_and_validate(headers=headers)

    run()


def test_every_operation_answers_generated_requests_within_its_schema(ref, wsgi_app):
    world = build_world()
    admin = world.users["admin"]
    headers = {"Authorization": f"Token {Token.objects.create(user=admin).key}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", wsgi_app, headers=headers
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema has operations to fuzz"
    examples = FUZZ_EXAMPLES or max(5, FUZZ_BUDGET // (2 * len(operations)))
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers, examples)
            except Exception as error:
                error.add_note(f"while fuzzing {operation.label} with {mode.value} data")
                raise
