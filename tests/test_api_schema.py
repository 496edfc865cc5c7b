"""The OpenAPI contract: valid without warnings, complete, and honoured by every endpoint for every role.

schemathesis loads the live schema from /api/schema/ and fuzzes each operation
with a real bearer token of each role, with valid and with invalid data (a bounded
number of examples, so `make test` stays fast), under every check schemathesis has
(`--checks all`): no answer may be a 500 or break the documented schema, invalid data
is refused and valid data accepted (or refused only with a documented status).
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from apps.accounts.services import issue_api_token
from tests.api_world import build_world

load_all_checks()
CHECKS = REGISTERED_CHECKS.get_all()  # `--checks all`
# Bounded so `make test` stays fast; for a deeper run: SCHEMATHESIS_EXAMPLES=200 pytest tests/test_api_schema.py
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
NEGATIVE_EXAMPLES_PER_OPERATION = max(EXAMPLES_PER_OPERATION // 2, 1)
# Valid by the schema is not valid by every rule: a hospital's name must be new, a visit's doctor active, a
# medicine not already on the prescription. Those refusals are the documented 400 (invalid) and 409.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]}}}
)


def test_the_schema_validates_without_a_single_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


@pytest.mark.django_db
def test_the_schema_and_swagger_ui_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/visits/{id}/follow-up/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    for cdn in ("cdn.", "unpkg", "jsdelivr"):
        assert cdn not in docs
    assert "<script>" not in docs  # the start-up script is a file of its own (CSP: no inline script)


def test_every_operation_documents_the_errors_any_endpoint_can_give():
    """A query parameter or body field it does not take (400) and an Accept other than JSON (406), anywhere;
    a body too large (413) or not JSON (415), on a write. The action endpoints answered 400s unlisted."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    missing = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            expected = {"400", "406"} | ({"413", "415"} if method in ("post", "put", "patch", "delete") else set())
            if not expected <= set(operation["responses"]):
                missing.append((method, path, sorted(expected - set(operation["responses"]))))
    assert missing == []


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation, read from the generator at collection time."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method.upper(), path) for path, operations in paths.items() for method in operations]


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, kept on the test's database connection.

    A real request ends by closing "obsolete" connections, and inside the test's transaction
    the connection looks obsolete; Django's own test client switches this off the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_tokens(db, hospital, other_hospital, super_admin):
    """A real token of each role, in a hospital (and a neighbour) with objects at every stage."""
    world = build_world(hospital, "")
    build_world(other_hospital, "x_")
    users = [super_admin, world.hospital_admin, world.receptionist, world.doctor, world.medical_staff]
    return [issue_api_token(user=user)[1] for user in users]


@pytest.mark.fuzz
@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda value: value)
def test_no_operation_gives_a_500_or_breaks_its_schema_for_any_role(wsgi_app, role_tokens, method, path):
    live = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=CONFIG)
    operation = live[path][method]
    tokens = role_tokens
    if (method, path) == ("DELETE", "/api/v1/auth/token/"):
        tokens = []  # revoking would end the tokens the other examples use; covered in accounts/tests/test_api.py

    for mode, examples in (
        (GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION),
        (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES_PER_OPERATION),
    ):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            for token in tokens:
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        fuzz()
