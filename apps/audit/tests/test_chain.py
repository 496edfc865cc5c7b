"""Tamper evidence: one hash chain per hospital (and one for events without a hospital), and `verify_audit`.

Tampering is done as a database superuser would: raw SQL around the model, and on PostgreSQL with
the append-only triggers skipped (session_replication_role, which only a superuser may set).
"""

import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import record_login, record_login_failed
from apps.audit.chain import GENESIS, PLATFORM_CHAIN, content_hash, verify_chains
from apps.audit.models import AuditChainHead, AuditEvent
from apps.audit.services import record_event
from apps.patients.services import create_patient
from common.testing import run_concurrently
from tests.api_world import build_world

pytestmark = pytest.mark.django_db


def as_superuser(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def chain(hospital_id):
    return list(AuditEvent.objects.filter(hospital_id=hospital_id).order_by("seq"))


def verify(*arguments: str) -> tuple[str, str]:
    """verify_audit's output, and its error ('' when every chain holds)."""
    out = io.StringIO()
    try:
        call_command("verify_audit", *arguments, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


@pytest.fixture
def morning(hospital, other_hospital, super_admin):
    """Two hospitals' chains and the platform's (the super admin's log-in, a failed one under an unknown name)."""
    build_world(hospital, "")
    build_world(other_hospital, "x_")
    record_login(user=super_admin)
    record_login_failed(username="nobody")
    return hospital


def test_each_hospital_has_one_chain_numbered_from_one_each_event_linked_to_the_one_before(morning, other_hospital):
    for hospital_id in (morning.pk, other_hospital.pk, None):
        events = chain(hospital_id)
        assert [event.seq for event in events] == list(range(1, len(events) + 1))
        assert [event.prev_hash for event in events] == [GENESIS] + [event.hash for event in events[:-1]]
        assert all(event.hash == content_hash(event) for event in events)
        head = AuditChainHead.objects.get(chain=hospital_id or PLATFORM_CHAIN)
        assert head.seq == events[-1].seq
    assert len(chain(None)) == 2


def test_the_hash_covers_content_that_reads_back_the_same_from_the_database(receptionist):
    with transaction.atomic():
        event = record_event(
            actor=receptionist,
            action="audit.export",
            summary="Zeile ü — 読み \u200b",
            changes={"actor": "वैद्य", "rows": 2**40, "complete": False, "since": None, "action": 'a"b\\c'},
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert content_hash(stored) == event.hash == stored.hash


def test_an_audited_write_costs_two_statements_for_its_event(receptionist, doctor):
    """The upsert that takes the chain's next place (locking its head, on PostgreSQL the event's hospital and actor
    rows first) and returns the previous event's hash, and the INSERT."""
    for actor in (receptionist, doctor):  # the chain's first event, then one linked to it
        with (
            transaction.atomic(),
            CaptureQueriesContext(connection) as queries,
        ):  # inside the savepoint, not counting it
            record_event(actor=actor, action="auth.login", target=actor)
        assert len(queries) == 2
    assert [e.prev_hash == p.hash for p, e in itertools.pairwise(chain(receptionist.hospital_id))] == [True]


def test_verify_audit_passes_a_clean_log_and_prints_each_chains_head_hash(morning, other_hospital):
    out, error = verify()
    assert error == ""
    for hospital_id, name in ((morning.pk, "City Clinic"), (other_hospital.pk, "Other Hospital")):
        last = chain(hospital_id)[-1]
        assert (
            f"hospital {hospital_id} ({name}): {last.seq} events intact; head {hospital_id}:{last.seq}:{last.hash}\n"
            in out
        )
    assert f"events without a hospital: 2 events intact; head 0:2:{chain(None)[-1].hash}\n" in out
    assert "All 3 chains of the audit log are intact." in out


def test_a_head_kept_elsewhere_shows_the_end_of_a_chain_cut_off_or_rewritten(morning):
    kept = next(line.split("head ")[1] for line in verify()[0].splitlines() if f"hospital {morning.pk} " in line)
    record_login_failed(username="receptionist")  # the hospital's chain goes on
    out, error = verify(f"--anchor={kept}")
    assert (f"anchor {kept.rsplit(':', 1)[0]}: still in its chain", "") == (out.splitlines()[-2], error)

    # A superuser cuts the chain back to before the kept head, then writes a new end with valid hashes
    # and a head to match: every link holds, only the kept head shows it.
    events = chain(morning.pk)
    as_superuser("DELETE FROM audit_auditevent WHERE hospital_id = %s AND seq >= %s", [morning.pk, events[-3].seq])
    forged = AuditEvent(created_at=events[-4].created_at, hospital_id=morning.pk, action="auth.login")
    forged.seq, forged.prev_hash = events[-3].seq, events[-4].hash
    forged.hash = content_hash(forged)
    forged.save()
    as_superuser("UPDATE audit_auditchainhead SET seq = %s WHERE chain = %s", [forged.seq, morning.pk])
    assert verify()[1] == ""
    out, error = verify(f"--anchor={kept}")
    seq = kept.split(":")[1]
    assert f"anchor {morning.pk}:{seq}: chain {morning.pk} has no event at seq {seq} any more" in out
    assert error


def test_an_empty_log_is_intact():
    assert verify() == ("All 0 chains of the audit log are intact.\n", "")


def test_an_edited_event_is_named(morning):
    victim = chain(morning.pk)[4]
    as_superuser("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["nothing to see", victim.pk])
    out, error = verify()
    assert f"City Clinic): BROKEN at event {victim.pk} (seq 5): its content does not match its hash" in out
    assert error == "The audit log has been tampered with: 1 problem(s), see above."


def test_an_edit_with_its_hash_recomputed_is_named_at_the_next_link(morning):
    victim, following = chain(morning.pk)[4:6]
    victim.summary = "nothing to see"
    as_superuser(
        "UPDATE audit_auditevent SET summary = %s, hash = %s WHERE id = %s",
        [victim.summary, content_hash(victim), victim.pk],
    )
    out, error = verify()
    assert f"BROKEN at event {following.pk} (seq 6): it does not link to event {victim.pk} (seq 5)" in out
    assert error


def test_a_deleted_event_is_named_by_the_gap_it_leaves(morning):
    events = chain(morning.pk)
    as_superuser("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [events[2].pk, events[3].pk])
    out, error = verify()
    assert f"BROKEN at event {events[4].pk} (seq 5): seq 3–4 missing before it (deleted)" in out
    assert error


def test_deleting_the_last_events_is_named_by_the_head(morning):
    events = chain(morning.pk)
    as_superuser("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    out, error = verify()
    assert f"the head says seq {len(events)}, the last event is seq {len(events) - 1}" in out
    assert error


def test_reordered_events_are_named(morning):
    first, second = chain(morning.pk)[2:4]
    # Swap their places in the chain, by way of a place nobody has (one event per place at any time).
    for event, seq in ((first, 0), (second, first.seq), (first, second.seq)):
        as_superuser("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [seq, event.pk])
    out, error = verify()
    assert f"BROKEN at event {second.pk} (seq 3): it does not link to event" in out
    assert error


def test_a_forged_event_appended_around_record_event_is_named(morning, receptionist):
    last = chain(morning.pk)[-1]
    forged = AuditEvent(
        created_at=last.created_at, hospital_id=morning.pk, action="auth.login", seq=last.seq + 1, prev_hash=last.hash
    )
    forged.hash = content_hash(forged)
    forged.save()
    out, error = verify()
    assert f"events after the head (seq {last.seq}) up to seq {last.seq + 1}" in out
    assert error


def test_an_event_moved_to_another_hospital_breaks_both_chains(morning, other_hospital):
    victim = chain(morning.pk)[3]
    as_superuser(
        "UPDATE audit_auditevent SET hospital_id = %s, seq = %s WHERE id = %s",
        [other_hospital.pk, 10_000, victim.pk],
    )
    reports = {report.hospital_id: report.broken for report in verify_chains()}
    assert reports[morning.pk].endswith("seq 4 missing before it (deleted)")
    assert reports[other_hospital.pk].startswith(f"event {victim.pk} (seq 10000): seq")
    assert reports[None] == ""


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_audited_writes_in_one_hospital_leave_one_unbroken_chain(hospital, receptionist):
    """Log-ins take no lock but the chain's; registrations lock the hospital row first, then the chain's head."""

    def work(n):
        if n % 2:
            return record_login(user=receptionist)
        return create_patient(by=receptionist, full_name=f"Patient {n}", age=30, gender="F").mrn

    outcomes = run_concurrently(20, work)

    assert [o for o in outcomes if o is not None and not str(o).startswith("P-")] == []
    events = chain(hospital.pk)
    assert [event.seq for event in events] == list(range(1, 21))
    assert [report.broken for report in verify_chains()] == [""]
