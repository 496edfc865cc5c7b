"""Nothing clinical reaches the audit log's readers (SPEC §1): every action of the audit table, read by both.

The super admin may see no patient or clinical data, the hospital admin no clinical detail;
both read the whole log on the page, in its CSV export and through the API, and the Django
admin shows the stored row. So for each action of `tests/test_audit_completeness.py`: the
stored event names personal and clinical fields without their values, and no clinical value
of the database (a patient's name, phone or address, a medicine or its dosing, a vital
reading), before or after the action, appears in what either reader is shown.
"""

import csv
import io
import json

import pytest

from apps.audit.models import AuditEvent
from apps.audit.policy import WITHHELD
from apps.consultations.models import Complaint, ConsultationRecord, Diagnosis, Investigation
from apps.patients.models import Patient, PatientAllergy
from apps.prescriptions.models import PrescriptionItem
from apps.visits.models import PatientVitals
from tests.test_audit_completeness import ACTIONS

pytestmark = pytest.mark.django_db

# Fields whose values are health data or personal details (patients' and staff members'), as a
# service would name them in `changes`: each may appear as a name, never with its value.
PERSONAL_FIELDS = {
    "full_name", "age", "gender", "phone_number", "address",
    "medicine_name", "dosage", "frequency", "duration", "instructions",
    "first_name", "last_name", "email", "password",
    "substance", "kind", "severity", "reaction", "icd_code", "allergy_override_reason",
}  # fmt: skip
VITALS_FIELDS = {"height_cm", "weight_kg", "blood_pressure", "pulse_rate", "temperature_c"}


def clinical_values() -> set[str]:
    """Every patient detail, medicine line and vital reading now in the database, as text."""
    values = set()
    for patient in Patient.objects.all():
        values |= {patient.full_name, patient.phone_number, patient.address}
    for item in PrescriptionItem.objects.all():
        values |= {item.medicine_name, item.dosage, item.frequency, item.duration, item.instructions}
        values |= {item.allergy_override_reason}
    for allergy in PatientAllergy.objects.all():
        values |= {allergy.substance, allergy.reaction, allergy.icd_code}
    for vitals in PatientVitals.objects.all():
        values |= {vitals.blood_pressure, *(str(v) for v in (vitals.height_cm, vitals.weight_kg, vitals.temperature_c))}
    for record in ConsultationRecord.objects.all():
        values |= {record.history, record.examination, record.advice}
    for model in (Complaint, Diagnosis, Investigation):
        values |= {line.text for line in model.objects.all()}
    values |= {c.duration for c in Complaint.objects.all()} | {d.icd_code for d in Diagnosis.objects.all()}
    # Whole numbers (ages, a pulse) look like any id or count: the field check below covers them.
    return {value for value in values if value and value != "None" and not value.isdigit()}


def assert_only_names_of_personal_fields(event: AuditEvent) -> None:
    # A hospital's own address and phone are its letterhead, not a person's details.
    personal = PERSONAL_FIELDS - {"address"} if event.action.startswith("hospital.") else PERSONAL_FIELDS
    for key, value in event.changes.items():
        if key in personal:
            assert value == WITHHELD, key
        elif key == "vitals":
            assert set(value) <= VITALS_FIELDS, value
        else:
            assert not isinstance(value, dict), key


def what_each_reader_is_shown(world, client, api_as) -> dict[str, str]:
    readers = {"super admin": world.root}
    world.hospital.refresh_from_db()
    if world.hospital.is_active:  # after hospital.deactivate its admin can no longer read anything
        readers["hospital admin"] = world.hospital_admin
    shown = {}
    for name, reader in readers.items():
        api = api_as(reader).get("/api/v1/audit/", {"page_size": 100}).json()
        assert api["next"] is None  # the whole log is on this page
        client.force_login(reader)
        page = client.get("/audit/").content.decode()
        export = b"".join(client.get("/audit/export.csv").streaming_content).decode("utf-8-sig")
        shown |= {f"{name}, API": json.dumps(api), f"{name}, page": page, f"{name}, CSV": export}
    return shown


@pytest.mark.parametrize(("service", "action", "call"), ACTIONS, ids=[f"{s.__name__}:{a}" for s, a, _ in ACTIONS])
def test_no_reader_of_the_log_is_shown_a_clinical_value(world, client, api_as, service, action, call):
    secrets = clinical_values()
    last = AuditEvent.objects.latest("id").pk

    call(world)

    secrets |= clinical_values()
    [event] = AuditEvent.objects.filter(pk__gt=last)
    assert_only_names_of_personal_fields(event)
    stored = " ".join([event.summary, json.dumps(event.changes, ensure_ascii=False)])
    assert [secret for secret in secrets if secret in stored] == []
    for reader, text in what_each_reader_is_shown(world, client, api_as).items():
        if reader.startswith("super admin") or event.hospital_id == world.hospital.pk:
            assert event.action in text, reader  # the event is there to be read
        assert [secret for secret in secrets if secret in text] == [], reader


def test_every_event_of_a_whole_morning_names_personal_fields_without_their_values(world):
    events = list(AuditEvent.objects.all())
    assert {event.action for event in events} >= {"patient.create", "visit.create", "prescription.item_add"}
    for event in events:
        assert_only_names_of_personal_fields(event)


def test_the_csv_export_shows_the_withheld_fields_by_name(world, client):
    client.force_login(world.hospital_admin)
    export = b"".join(client.get("/audit/export.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    item_add = next(row for row in rows if row[4] == "prescription.item_add")
    assert json.loads(item_add[8])["medicine_name"] == WITHHELD
