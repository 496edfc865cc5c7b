"""/healthz and /readyz: for a load balancer, without login, saying nothing but their status."""

import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

ROOT = Path(__file__).resolve().parent.parent.parent


def _assert_bare(response, status: str):
    """Only the status: no cookie, no cache, no other key in the body."""
    assert response.json() == {"status": status}
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_liveness_answers_without_login_or_database(client):
    # No django_db mark: any query would raise here, so the answer provably touches no database.
    response = client.get("/healthz")
    assert response.status_code == 200
    _assert_bare(response, "ok")


@pytest.mark.django_db
def test_readiness_answers_ready_when_the_database_answers_and_is_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    _assert_bare(response, "ready")


@pytest.mark.django_db
def test_readiness_is_503_and_says_nothing_more_when_the_database_is_unreachable(client, caplog):
    refused = OperationalError('connection to server at "db.internal" (10.0.0.9), port 5432 failed')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/readyz")
    assert response.status_code == 503
    _assert_bare(response, "unavailable")
    assert "db.internal" not in response.content.decode()
    assert "db.internal" in caplog.text  # the reason is in the server's log, not the answer


@pytest.mark.django_db
def test_readiness_is_503_while_a_migration_is_not_applied(client, caplog):
    executor = MigrationExecutor(connection)
    app_label, name = next(node for node in executor.loader.graph.leaf_nodes() if node[0] == "patients")
    # Forget that the newest patients migration ran, as if this code were deployed before `migrate`.
    MigrationRecorder.Migration.objects.filter(app=app_label, name=name).delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    _assert_bare(response, "unavailable")
    assert "1 migration(s) not applied" in caplog.text


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.django_db
def test_health_checks_answer_only_get_and_head(client, path, method):
    assert getattr(client, method)(path).status_code == 405
    assert client.head(path).status_code == 200


def test_health_checks_answer_plain_http_in_production_but_keep_allowed_hosts():
    """No HTTPS redirect for the balancer's plain-HTTP probe; an unknown Host header is still refused."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "sqlite:///:memory:",
    }
    code = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "print(c.get('/healthz', HTTP_HOST='clinic.example.org').status_code, "
        "c.get('/readyz', HTTP_HOST='clinic.example.org').status_code, "
        "c.get('/login/', HTTP_HOST='clinic.example.org').status_code, "
        "c.get('/healthz', HTTP_HOST='10.0.0.5').status_code)"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code, no user input)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    # Liveness 200; readiness 503 (an empty in-memory database has no migrations applied);
    # every other page still redirects to HTTPS; an unknown host is a 400.
    assert result.stdout.split() == ["200", "503", "301", "400"], result.stderr
