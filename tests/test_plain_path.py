"""SPEC §8: `migrate` is the only database step, and what must be shared by app processes is.

The whole path (fresh clone, venv, pip, `.env`, migrate, createsuperuser, runserver, then web and
API log-in, a form post and the lockout through real HTTP) is `.ci/plain-path`, which CI runs.
These tests hold the pieces on both databases: pytest-django builds the test database with
`migrate` alone, as an operator would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from apps.accounts.tests.factories import UserFactory
from common.constants import Role
from common.models import CacheEntry

ROOT = Path(__file__).resolve().parent.parent
DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_migrate_alone_makes_the_cache_table_and_the_token_endpoint_works(settings, client):
    settings.CACHES = DATABASE_CACHE  # the default without REDIS_URL (test settings use local memory)
    call_command("migrate", "common", "zero", verbosity=0)
    assert CacheEntry._meta.db_table not in _tables()

    call_command("migrate", verbosity=0)

    assert CacheEntry._meta.db_table in _tables()
    UserFactory(role=Role.SUPER_ADMIN, hospital=None, username="plain", password="Plain-path-pass-2026")
    token = client.post(
        "/api/v1/auth/token/",
        {"username": "plain", "password": "Plain-path-pass-2026"},
        content_type="application/json",
    )
    assert token.status_code in (200, 201), token.content
    refused = client.post(
        "/api/v1/auth/token/", {"username": "plain", "password": "wrong-password"}, content_type="application/json"
    )
    assert refused.status_code == 400
    # The failed-token throttle counted that failure in the database, where every process sees it.
    assert CacheEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_where_createcachetable_already_ran_migrates_and_keeps_its_entries(settings):
    """Installs made before the migration ran `createcachetable` (make migrate did): their table stays."""
    settings.CACHES = DATABASE_CACHE
    call_command("migrate", "common", "zero", verbosity=0)
    call_command("createcachetable", verbosity=0)
    cache.set("kept", "across the migration", 60)

    try:
        call_command("migrate", "common", verbosity=0)

        assert cache.get("kept") == "across the migration"
    finally:  # later tests expect the table as the migration makes it (PostgreSQL adds a LIKE index)
        call_command("migrate", "common", "zero", verbosity=0)
        call_command("migrate", "common", verbosity=0)


def _settings_of(module: str, **env: str) -> dict:
    """CACHES and the axes handler as `module` sets them, from a fresh interpreter (as a server starts)."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'], "
        "'axes': getattr(settings, 'AXES_HANDLER', 'axes.handlers.database.AxesDatabaseHandler')}))"
    )
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": module,
        "DJANGO_SECRET_KEY": "x" * 64,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
        **env,
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.production"])
@pytest.mark.parametrize(
    ("redis_url", "backend"),
    [
        ("", "django.core.cache.backends.db.DatabaseCache"),
        ("redis://127.0.0.1:6379/9", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_throttle_form_tokens_and_lockout_live_where_every_process_sees_them(module, redis_url, backend):
    """Never per-process memory: several app processes count one client's failures together."""
    assert _settings_of(module, REDIS_URL=redis_url) == {
        "cache": backend,
        "axes": "axes.handlers.database.AxesDatabaseHandler",
    }


def test_the_database_cache_uses_the_table_the_migration_makes():
    from config.settings import base

    assert base.CACHES["default"]["BACKEND"] != "django.core.cache.backends.db.DatabaseCache" or (
        base.CACHES["default"]["LOCATION"] == CacheEntry._meta.db_table
    )


def test_ci_runs_the_plain_path_and_no_make_target_needs_createcachetable():
    assert ".ci/plain-path" in (ROOT / ".ci/run").read_text()
    assert "createcachetable" not in (ROOT / "Makefile").read_text()
