import pytest
from django.db import transaction

from apps.audit.models import AuditEvent
from apps.audit.policy import WITHHELD, UnknownAuditAction
from apps.audit.services import record_event
from common.exceptions import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(doctor):
    with transaction.atomic():
        return record_event(actor=doctor, action="auth.login", target=doctor, summary="something happened")


def test_an_event_records_actor_role_hospital_and_object(event, doctor):
    assert (event.actor, event.actor_username, event.actor_role) == (doctor, "doc", "DOCTOR")
    assert (event.hospital_id, event.object_type, event.object_id) == (
        doctor.hospital_id,
        "accounts.user",
        str(doctor.pk),
    )


def test_the_client_address_is_recorded_from_the_request(client, doctor):
    client.post("/login/", {"username": "doc", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    assert AuditEvent.objects.get(action="auth.login_failed").ip_address == "10.1.2.3"


def test_an_event_cannot_be_changed_through_the_model(event):
    event.summary = "rewritten"
    with pytest.raises(Conflict):
        event.save()


def test_an_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(Conflict):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)  # an ordinary test runs inside a transaction
def test_recording_outside_the_changes_transaction_is_a_programming_error(doctor):
    with pytest.raises(RuntimeError):
        record_event(actor=doctor, action="auth.login")


def test_an_action_without_a_policy_entry_is_refused_and_writes_nothing(doctor):
    with pytest.raises(UnknownAuditAction, match=r"apps/audit/policy\.py"), transaction.atomic():
        record_event(actor=doctor, action="visit.teleport", target=doctor)
    assert not AuditEvent.objects.exists()


def test_keys_the_policy_does_not_keep_are_reduced_to_their_names(receptionist):
    with transaction.atomic():
        event = record_event(
            actor=receptionist,
            action="visit.create",
            target=receptionist,
            changes={
                "patient": "P-000001",
                "token_number": 3,
                "vitals": {"pulse_rate": "80", "blood_pressure": "120/80"},
                "diagnosis": "hypertension",
                "full_name": ["Asha", "Asha Rao"],
            },
        )
    event.refresh_from_db()
    assert event.changes == {
        "patient": "P-000001",
        "token_number": 3,
        "vitals": ["blood_pressure", "pulse_rate"],
        "diagnosis": WITHHELD,
        "full_name": WITHHELD,
    }


def test_kept_values_are_plain_json_that_reads_back_unchanged(receptionist):
    with transaction.atomic():
        event = record_event(
            actor=receptionist, action="auth.token_create", target=receptionist, changes={"token": 7, "expires_at": 1.5}
        )
    event.refresh_from_db()
    assert event.changes == {"token": 7, "expires_at": "1.5"}
