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
    """Our apps that have migrations (common's: the cache table), in INSTALLED_APPS order (lowest layer first)."""
    migrated = MigrationLoader(None, ignore_no_migrations=True).migrated_apps
    ours = [c for c in apps.get_app_configs() if c.name.startswith("apps.") or c.name == "common"]
    return [c.label for c in ours if c.label in migrated]


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


# Before ConsultationSession moved from visits to consultations (consultations 0001–0002).
BEFORE_THE_SESSION_MOVED = [
    # Users as they were then too: the historical model below has no username_key (accounts 0003).
    ("accounts", "0002_api_tokens"),
    ("visits", "0002_keyset_indexes"),
    ("prescriptions", "0001_initial"),
    ("pharmacy", "0002_keyset_indexes"),
    ("consultations", None),
]


@pytest.mark.django_db(transaction=True)
def test_moving_the_session_model_to_consultations_keeps_every_row_and_reference():
    from django.contrib.contenttypes.models import ContentType
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from apps.consultations.models import ConsultationSession
    from apps.pharmacy.models import DispenseRecord
    from apps.prescriptions.models import PrescriptionItem

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_SESSION_MOVED)
    old = executor.loader.project_state([node for node in BEFORE_THE_SESSION_MOVED if node[1]]).apps
    assert "visits_consultationsession" in connection.introspection.table_names()
    with connection.cursor() as cursor:  # the content type Django made when the model lived in visits
        cursor.execute(
            "INSERT INTO django_content_type (app_label, model) VALUES ('visits', 'consultationsession')"
            if not ContentType.objects.filter(app_label="visits", model="consultationsession").exists()
            else "SELECT 1"
        )
    old_type = ContentType.objects.get(app_label="visits", model="consultationsession").pk

    today, now = timezone.localdate(), timezone.now()
    hospital = old.get_model("hospitals", "Hospital").objects.create(name="Before the move")
    users = old.get_model("accounts", "User").objects
    doctor = users.create(username="moved_doc", role="DOCTOR", hospital=hospital)
    desk = users.create(username="moved_desk", role="RECEPTIONIST", hospital=hospital)
    patient = old.get_model("patients", "Patient").objects.create(
        hospital=hospital, mrn_number=1, full_name="Kept Row", age=40, gender="F"
    )
    visit = old.get_model("visits", "Visit").objects.create(
        hospital=hospital, patient=patient, doctor=doctor, validity_days=7, visit_date=today, created_by=desk
    )
    sessions = old.get_model("visits", "ConsultationSession").objects
    first = sessions.create(
        hospital=hospital, visit=visit, doctor=doctor, session_number=1, token_number=7, token_date=today,
        status="completed", started_at=now, completed_at=now, created_by=desk,
    )  # fmt: skip
    second = sessions.create(
        hospital=hospital, visit=visit, doctor=doctor, session_number=2, token_number=8, token_date=today,
        created_by=desk,
    )  # fmt: skip
    prescription = old.get_model("prescriptions", "Prescription").objects.create(hospital=hospital, visit=visit)
    item = old.get_model("prescriptions", "PrescriptionItem").objects.create(
        hospital=hospital, prescription=prescription, session=first, medicine_name="Kept", dosage="1",
        frequency="1-0-1", duration="5 days", status="stopped", stopped_in_session=second, stopped_at=now,
    )  # fmt: skip
    record = old.get_model("pharmacy", "DispenseRecord").objects.create(
        hospital=hospital, prescription=prescription, session=first
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    tables = connection.introspection.table_names()
    assert "consultations_consultationsession" in tables
    assert "visits_consultationsession" not in tables
    moved = ConsultationSession.objects.filter(visit_id=visit.pk).order_by("session_number")
    assert [(s.pk, s.token_number, s.status) for s in moved] == [(first.pk, 7, "completed"), (second.pk, 8, "open")]
    kept = PrescriptionItem.objects.select_related("session", "stopped_in_session").get(pk=item.pk)
    assert (kept.session.pk, kept.stopped_in_session.pk) == (first.pk, second.pk)
    assert DispenseRecord.objects.select_related("session").get(pk=record.pk).session.session_number == 1
    assert ContentType.objects.get_for_model(ConsultationSession).pk == old_type
    # The database still guards what it guarded: one open session per visit, tokens unique per doctor and day.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationSession.objects.create(
            hospital_id=hospital.pk, visit_id=visit.pk, doctor_id=doctor.pk, session_number=3, token_number=9,
            token_date=today, created_by_id=desk.pk,
        )  # fmt: skip


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
