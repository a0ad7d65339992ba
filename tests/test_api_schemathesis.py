"""Property-based run of schemathesis over every operation of the API.

Reads run anonymous; writes (POST, PUT, PATCH, DELETE) run as an editor (the
编辑 group) with a token, so they reach validation, permissions and the database.

Schemathesis generates requests from the OpenAPI schema (every filter, shape and
pagination parameter, path lookups) and sends them to the WSGI app over the test
newsroom. No response may be a 5xx, and every response must match the schema:
documented status code, content type and body. Examples per operation are bounded
and derandomized, so the run is short and the same on every machine.

Each operation runs as a plain Hypothesis test over ``operation.as_strategy()``
(schemathesis's own pytest plugin does not yet support pytest 9).
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
READ_OPERATIONS = [
    "GET /api/v1/articles/",
    "GET /api/v1/articles/{slug}/",
    "GET /api/v1/directive-sets/",
    "GET /api/v1/directive-sets/{id}/",
    "GET /api/v1/directives/",
    "GET /api/v1/directives/{id}/",
    "GET /api/v1/people/",
    "GET /api/v1/people/{slug}/",
    "GET /api/v1/organizations/",
    "GET /api/v1/organizations/{slug}/",
    "GET /api/v1/positions/",
    "GET /api/v1/positions/{id}/",
]
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
RESOURCES = {
    "articles": "{slug}",
    "directive-sets": "{id}",
    "directives": "{id}",
    "people": "{slug}",
    "organizations": "{slug}",
    "positions": "{id}",
}
WRITE_OPERATIONS = [
    f"{method} /api/v1/{name}/" + ("" if method == "POST" else f"{lookup}/")
    for name, lookup in RESOURCES.items()
    for method in WRITE_METHODS
] + [
    "POST /api/v1/articles/{slug}/publish/",
    "POST /api/v1/articles/{slug}/unpublish/",
    "POST /api/v1/imports/",
]
# Bounded for the suite; raise it for a deeper run: SCHEMATHESIS_EXAMPLES=500.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "40"))
WRITE_EXAMPLES = int(os.environ.get("SCHEMATHESIS_WRITE_EXAMPLES", "30"))


@pytest.fixture
def api_schema(api, newsroom, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "testserver"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(response.content))
    schema.app = WSGIHandler()
    # As Django's test client does: keep the test's connection (and transaction)
    # open across requests instead of closing it when each request finishes.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_run_covers_every_operation(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    reads = {op.label for op in operations if op.method.upper() == "GET"}
    assert reads == set(READ_OPERATIONS)
    writes = {op.label for op in operations if op.method.upper() != "GET"}
    assert writes == set(WRITE_OPERATIONS)


@pytest.fixture
def editor_headers(newsroom):
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    user = User.objects.create_user("bianji")
    user.groups.add(Group.objects.get(name="编辑"))
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@pytest.mark.parametrize("label", WRITE_OPERATIONS)
def test_write_operation_as_an_editor_conforms_and_never_fails(
    api_schema, editor_headers, label
):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None

    @hypothesis_settings(
        max_examples=WRITE_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(headers=editor_headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("label", READ_OPERATIONS)
def test_read_operation_conforms_and_never_fails(api_schema, label):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()
