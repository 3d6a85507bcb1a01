"""Schemathesis against the served OpenAPI document: every operation, with generated valid and invalid
input (examples, coverage and fuzzing phases, at most 25 fuzzed examples per operation), called through
the Django WSGI app with a token that has every scope. No server error and no response outside the
document (status codes, content types, headers and bodies) is allowed.

Run alone: `.venv/bin/python -m pytest fastholdelse/tests/test_api_schemathesis.py -q`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from cases.models import ApiToken
from cases.tests.factories import make_case, make_team, make_user
from roundtable.tests.factories import make_meeting

MAX_EXAMPLES = 25

CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


# The document is read from the app itself (no server): its view touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=schemathesis.Config.from_dict({
    "seed": 13,
    "cache": {"enabled": False},  # no .schemathesis/ folder left behind
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
    "phases": {"stateful": {"enabled": False}},
}))


@pytest.fixture
def one_connection():
    """Calls go through the real WSGI handler, whose request signals close the database connection after
    each request (Django's test client switches that off): keep the test's connection and transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(db, one_connection):
    """A case with a meeting and a deadline to report, and a token with every scope and room to call."""
    from django.core.cache import cache

    cache.clear()
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    consultant = make_user("mette", team=team)
    case = make_case(team=team, consultant=consultant, cpr="0412781234")
    make_meeting(case=case, actor=consultant, starts_in=timedelta(days=3), accept_late=True)
    return ApiToken.issue(name="Schemathesis", scopes=list(ApiToken.Scope.values), rate_limit_per_minute=100_000)[1]


@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_keeps_to_its_document(case, key):
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CONFORMANCE)
