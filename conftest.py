"""Fixtures shared by every app's tests: one hospital per tenant, one user per role."""

import pytest
from django.db import connection

from apps.accounts.tests.factories import UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from common.constants import Role


@pytest.fixture
def hospital(db):
    return HospitalFactory(name="City Clinic")


@pytest.fixture
def other_hospital(db):
    """A second tenant: its objects must never be visible to users of `hospital`."""
    return HospitalFactory(name="Other Hospital")


@pytest.fixture
def super_admin(db):
    return UserFactory(role=Role.SUPER_ADMIN, hospital=None, username="root")


@pytest.fixture
def hospital_admin(hospital):
    return UserFactory(role=Role.HOSPITAL_ADMIN, hospital=hospital, username="admin")


@pytest.fixture
def receptionist(hospital):
    return UserFactory(role=Role.RECEPTIONIST, hospital=hospital, username="desk")


@pytest.fixture
def doctor(hospital):
    return UserFactory(role=Role.DOCTOR, hospital=hospital, username="doc", first_name="Asha", last_name="Rao")


@pytest.fixture
def other_doctor(hospital):
    return UserFactory(role=Role.DOCTOR, hospital=hospital, username="doc2")


@pytest.fixture
def medical_staff(hospital):
    return UserFactory(role=Role.MEDICAL_STAFF, hospital=hospital, username="pharma")


@pytest.fixture
def api_as():
    """An API client carrying a real bearer token of `user` (None: no credentials at all)."""
    from rest_framework.test import APIClient

    from apps.accounts.services import issue_api_token

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            _, raw = issue_api_token(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return client_for


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and lockout counters live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _flush_may_empty_the_audit_log():
    """Between transactional tests Django empties every table with one TRUNCATE, which the audit log's trigger
    refuses (apps/audit/migrations/0002). The test database's owner is a superuser here, the one kind of role
    that may skip triggers for a transaction: its flush does, and nothing else in the suite."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def flush_skipping_triggers(self, sql_list):
        flush(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    DatabaseOperations.execute_sql_flush = flush_skipping_triggers
    yield
    DatabaseOperations.execute_sql_flush = flush


@pytest.fixture
def on_postgresql():
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """Concurrency and fault tests need PostgreSQL (row locks, server backends to cut); on SQLite they
    are skipped, saying why."""
    if connection.vendor == "postgresql":
        return
    reasons = {
        "concurrency": "needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to prove",
        "fault": "needs PostgreSQL (set DATABASE_URL): SQLite has no server connections to cut",
    }
    for item in items:
        for marker, reason in reasons.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))
                break
