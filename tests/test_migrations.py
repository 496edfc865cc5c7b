"""Every migration of ours can be undone: a bad deploy is rolled back with `migrate <app> <previous>`.

An operation that truly cannot be reversed (a data migration that destroys information)
must be listed in IRREVERSIBLE with the reason, so the deploy notes can say so.
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from apps.audit.chain import verify_chains
from apps.audit.models import AuditEvent

# (app label, migration name, operation index) -> why it cannot be reversed. Empty: all can.
IRREVERSIBLE: dict[tuple[str, str, int], str] = {}


def our_app_labels() -> list[str]:
    """Our apps that have migrations, in INSTALLED_APPS order (lowest layer first)."""
    migrated = MigrationLoader(None, ignore_no_migrations=True).migrated_apps
    return [c.label for c in apps.get_app_configs() if c.name.startswith("apps.") and c.label in migrated]


def test_every_operation_of_our_migrations_is_reversible_or_says_why_not():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    irreversible = [
        (app_label, name, index, type(operation).__name__)
        for (app_label, name), migration in loader.disk_migrations.items()
        if app_label in our_app_labels()
        for index, operation in enumerate(migration.operations)
        if not operation.reversible and (app_label, name, index) not in IRREVERSIBLE
    ]
    assert irreversible == []
    assert all(reason.strip() for reason in IRREVERSIBLE.values())


def schema() -> dict:
    """Each table's columns (name, type, null) and its constraints and indexes (by columns and kind)."""
    described = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = sorted(
                (column.name, column.type_code, column.null_ok)
                for column in connection.introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                (
                    tuple(str(column) for column in details["columns"] or ()),  # None: an expression
                    details["primary_key"],
                    details["unique"],
                    details["index"],
                    bool(details["foreign_key"]),
                    bool(details["check"]),
                )
                for details in connection.introspection.get_constraints(cursor, table).values()
            )
            described[table] = (columns, constraints)
    return described


def audit_trigger_count() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit_refuse_%'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_every_app_of_ours_migrates_to_zero_and_back_to_the_same_schema():
    before, triggers_before = schema(), audit_trigger_count()
    labels = our_app_labels()
    our_tables = {model._meta.db_table for label in labels for model in apps.get_app_config(label).get_models()}
    assert our_tables <= set(before)

    for label in reversed(labels):  # highest layer first; each also unapplies what depends on it
        call_command("migrate", label, "zero", verbosity=0)
    assert our_tables.isdisjoint(connection.introspection.table_names())
    assert audit_trigger_count() == 0

    call_command("migrate", verbosity=0)
    assert schema() == before
    assert audit_trigger_count() == triggers_before


@pytest.mark.django_db(transaction=True)
def test_the_chain_migration_links_the_events_written_before_it(hospital):
    """Events of a log older than the hash chain: linked in the order they were written, one chain per hospital."""
    before_chain, chained = [("audit", "0001_initial")], [("audit", "0002_hash_chain_and_append_only_triggers")]
    executor = MigrationExecutor(connection)
    executor.migrate(before_chain)
    try:
        OldEvent = executor.loader.project_state(before_chain).apps.get_model("audit", "AuditEvent")
        for n, hospital_id in enumerate([hospital.pk, None, hospital.pk, hospital.pk]):
            OldEvent.objects.create(
                action="auth.login", hospital_id=hospital_id, summary=f"event {n}", changes={"n": n}
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(chained)
        call_command("migrate", verbosity=0)

    events = AuditEvent.objects.order_by("id")
    assert [(event.summary, event.seq) for event in events] == [
        ("event 0", 1),
        ("event 1", 1),
        ("event 2", 2),
        ("event 3", 3),
    ]
    assert [(report.hospital_id, report.events, report.broken) for report in verify_chains()] == [
        (None, 1, ""),
        (hospital.pk, 3, ""),
    ]
    assert audit_trigger_count() == (2 if connection.vendor == "postgresql" else 0)
