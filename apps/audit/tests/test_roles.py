"""The audit log cannot be switched off from the app's own connection (PostgreSQL).

Two set-ups. With DATABASE_APP_ROLE the app connects as a role that owns nothing: every way
around the log fails for lack of privilege, and what the triggers refuse they refuse to the
owner too. With one role for everything (the default) the triggers alone refuse; only
ALTER TABLE, which the owner may do, lifts them, and the hash chain shows what follows.
"""

import io
from contextlib import contextmanager

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from psycopg import sql

from apps.audit.apps import grant_the_app_role
from apps.audit.chain import verify_chains
from apps.audit.models import AuditEvent
from apps.audit.services import record_event
from apps.patients.services import create_patient
from common.db_roles import grant_app_role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and triggers: PostgreSQL only (set DATABASE_URL)"
)

# Each a way to change or empty the log, or to switch its protection off, as the app's connection might try.
TAMPERING = {
    "truncate": "TRUNCATE audit_auditevent",
    "update": "UPDATE audit_auditevent SET summary = 'x'",
    "delete": "DELETE FROM audit_auditevent",
    "pgtrigger.ignore, then delete": "SET LOCAL pgtrigger.ignore = 'audit_refuse_update_delete'; DELETE FROM audit_auditevent",
    "disable the trigger": "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_refuse_update_delete",
    "disable every trigger": "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "drop the trigger": "DROP TRIGGER audit_refuse_update_delete ON audit_auditevent",
    "replace the trigger's function": "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN OLD; END'",
    "skip triggers for the session": "SET session_replication_role = replica",
    "give itself the table": "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
    "restart a chain": "DELETE FROM audit_auditchainhead",
}  # fmt: skip


def role_name() -> str:
    """A role of this test database's own (roles are shared by every database of the server)."""
    return f"{connection.settings_dict['NAME']}_app"[:63]


def execute(statement: str, params=None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def app_role(transactional_db):
    """A login role granted as `migrate` grants DATABASE_APP_ROLE, committed so that it can connect."""
    role = role_name()
    execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)).as_string(connection.connection))
    with override_settings(DATABASE_APP_ROLE=role):
        grant_the_app_role(using=connection.alias)
    yield role
    execute(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(role)).as_string(connection.connection))


@contextmanager
def connected_as(role: str):
    """The app's connection, logged in as `role` (the server trusts local connections here)."""
    owner = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner


@pytest.fixture
def audited(receptionist):
    with transaction.atomic():
        return record_event(actor=receptionist, action="auth.login", target=receptionist, summary="in")


def test_the_app_role_works_through_the_services_and_reads_the_whole_log(app_role, receptionist, audited):
    with connected_as(app_role):
        patient = create_patient(by=receptionist, full_name="Asha", age=30, gender="F")
        assert AuditEvent.objects.filter(action="patient.create", object_id=str(patient.pk)).exists()
        assert [report.broken for report in verify_chains()] == [""]


@pytest.mark.parametrize("statement", TAMPERING.values(), ids=TAMPERING.keys())
def test_the_app_role_cannot_change_the_log_or_switch_its_protection_off(app_role, audited, statement):
    with connected_as(app_role), pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        execute(statement)
    audited.refresh_from_db()
    assert audited.summary == "in"
    assert [report.broken for report in verify_chains()] == [""]


# Committed first: a TRUNCATE after writes in the same transaction is refused for their pending checks anyway.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tampering", ["truncate", "update", "delete", "pgtrigger.ignore, then delete"])
def test_the_triggers_refuse_the_owner_too(audited, tampering):
    """One role for everything (the default): the triggers refuse what privileges do not."""
    with pytest.raises(DatabaseError, match="audit events are append-only"):
        execute(TAMPERING[tampering])
    audited.refresh_from_db()
    assert audited.summary == "in"


def privileges_of(role: str, table: str) -> list[str]:
    privileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(p ORDER BY n) FROM unnest(%s::text[]) WITH ORDINALITY AS t(p, n) "
            "WHERE has_table_privilege(%s, %s, p)",
            [privileges, role, table],
        )
        return cursor.fetchone()[0] or []


def test_a_restore_leaves_the_app_role_the_same_privileges(app_role, audited, tmp_path):
    """pg_restore recreates the tables, which take the default privileges (every row); restore grants again."""
    call_command("backup", output_dir=tmp_path, stdout=io.StringIO())
    [backup] = tmp_path.iterdir()
    with override_settings(DATABASE_APP_ROLE=app_role):
        call_command("restore", str(backup), yes=True, stdout=io.StringIO())
    assert privileges_of(app_role, "audit_auditevent") == ["SELECT", "INSERT"]
    assert privileges_of(app_role, "patients_patient") == ["SELECT", "INSERT", "UPDATE", "DELETE"]


@pytest.mark.django_db
def test_migrate_grants_the_app_role_rows_of_every_table_and_of_tables_created_later():
    role = role_name()
    execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)).as_string(connection.connection))
    with override_settings(DATABASE_APP_ROLE=role):
        call_command("migrate", verbosity=0)
    execute("CREATE TABLE audit_later_table (id integer)")  # as the owner, after migrate

    assert privileges_of(role, "audit_auditevent") == ["SELECT", "INSERT"]
    assert privileges_of(role, "audit_auditchainhead") == ["SELECT", "INSERT", "UPDATE"]
    for table in ("patients_patient", "django_session", "audit_later_table"):
        assert privileges_of(role, table) == ["SELECT", "INSERT", "UPDATE", "DELETE"], table


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        ("", "does not exist"),
        ("CREATE ROLE {} SUPERUSER", "neither a superuser nor the role migrate runs as"),
        ("CREATE ROLE {0}; CREATE TABLE audit_its_own (id integer); ALTER TABLE audit_its_own OWNER TO {0}", "owns audit_its_own"),
    ],
    ids=["missing", "superuser", "owner of a table"],
)  # fmt: skip
def test_an_app_role_that_could_lift_the_protection_is_refused(arrange, message):
    role = role_name()
    if arrange:
        execute(sql.SQL(arrange).format(sql.Identifier(role)).as_string(connection.connection))
    with pytest.raises(ImproperlyConfigured, match=message):
        grant_app_role(connection, role=role, limited={})


@pytest.mark.django_db
def test_the_role_migrate_runs_as_is_refused_as_the_app_role():
    with pytest.raises(ImproperlyConfigured, match="nor the role migrate runs as"):
        grant_app_role(connection, role=connection.settings_dict["USER"], limited={})
