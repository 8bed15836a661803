"""Item 7: property-based fuzzing of the whole API from its own OpenAPI document (schemathesis),
signed in (API key, and session with its CSRF token) and not: no 5xx, and every answer is one the
document declares, in the declared shape."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.openapi.checks import UndefinedStatusCode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from simpoc.wsgi import application
from tests.factories import make_api_key

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# API.md's error contract holds for every endpoint, so the document does not repeat it on each one:
# an unparseable body (400), no or bad credentials (401), a refusal (403/404), a wrong method (405)
# and invalid input (422) are JSON {"detail": "..."}. Any other undocumented status fails.
GENERIC_ERRORS = {400, 401, 403, 404, 405, 422}


def status_documented_or_generic_error(ctx, response, case) -> None:
    try:
        status_code_conformance(ctx, response, case)
    except UndefinedStatusCode:
        if response.status_code not in GENERIC_ERRORS:
            raise
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("detail"), str) and body["detail"], (
            f"{response.status_code} without a JSON detail: {response.text[:200]}"
        )


CHECKS = [
    not_a_server_error,
    status_documented_or_generic_error,
    content_type_conformance,
    response_schema_conformance,
]
# Bounded: about 50 operations x 3 identities; CI runs the suite twice on 2 cores.
EXAMPLES = 6


@pytest.fixture
def quiet_queue(monkeypatch):
    """Tasks run inline in tests; a fuzzed render or poll loop must not run here (their inputs are
    what is under test, and the workers have their own tests)."""
    from media_gen.services import lifecycle
    from simulation import services as simulation_services

    monkeypatch.setattr(lifecycle, "async_task", lambda *args, **kwargs: None)
    monkeypatch.setattr(simulation_services, "async_task", lambda *args, **kwargs: None)


def signed_in_headers(kind: str, user) -> dict:
    if kind == "anonymous":
        return {}
    if kind == "api-key":
        return {"X-API-Key": make_api_key(user)[1]}
    client = Client()
    client.force_login(user)
    client.get("/login")
    cookies = {name: client.cookies[name].value for name in ("sessionid", "csrftoken")}
    return {
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "X-CSRFToken": cookies["csrftoken"],
    }


@pytest.fixture
def identity(request, user, emulator, quiet_queue, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 10_000  # the fuzzer signs in with random passwords
    headers = signed_in_headers(request.param, user)
    # Calling the WSGI app directly would close the test's database connection after each request
    # (Django's test client disconnects the same handlers around its own requests).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield headers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("identity", ["anonymous", "api-key", "session"], indirect=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_match_the_document(case, identity):
    if not identity and case.operation.definition.raw.get("security") and connection.vendor != "sqlite":
        # Without credentials a route that requires them refuses before any query, the same on any
        # engine, and the SQLite pass has fuzzed that already; the open routes are fuzzed here too.
        pytest.skip("anonymous on a route that needs credentials: fuzzed on the SQLite pass")
    case.call_and_validate(headers=identity, checks=CHECKS)
