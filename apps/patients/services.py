from django.db import transaction

from apps.audit.services import diff, record_event, snapshot
from apps.hospitals.models import Hospital
from apps.patients.models import Patient
from common import field_rules as rules
from common.exceptions import Invalid
from common.permissions import can_edit_patient, can_register_patient, ensure_same_hospital, require
from common.validation import full_clean_or_raise

PATIENT_FIELDS = ["full_name", "age", "gender", "phone_number", "address"]
# Each field's one rule (common.field_rules): the form and the serializer parse with the same.
_RULES = {
    "full_name": rules.FULL_NAME,
    "age": rules.AGE,
    "phone_number": rules.PHONE,
    "address": rules.ADDRESS,
}


def normalise_phone(value: str | None) -> str:
    """ "+91 98765-43210", "09876543210", "9876543210" → "9876543210"; "" stays ""."""
    return rules.PHONE.clean_field("phone_number", value)


def _clean_fields(patient: Patient) -> None:
    errors: dict[str, list[str]] = {}
    for field, rule in _RULES.items():
        try:
            setattr(patient, field, rule.clean_field(field, getattr(patient, field)))
        except Invalid as error:
            errors |= error.errors
    try:
        full_clean_or_raise(patient, exclude=["hospital", "created_by", "mrn_number", *errors])
    except Invalid as error:
        errors |= error.errors
    if errors:
        raise Invalid(errors=errors) if len(errors) > 1 else Invalid(next(iter(errors.values()))[0], errors=errors)


def create_patient(*, by, full_name: str, age: int, gender: str, phone_number: str = "", address: str = "") -> Patient:
    """Register a patient in the receptionist's hospital with the next MRN.

    MRNs are sequential per hospital and never reused: the hospital row is locked
    while the number is taken, so simultaneous registrations get distinct numbers
    with no gaps. Refuses: another role (PermissionDenied); a name that is empty or
    over 120 characters, an age outside 0–130, an unknown gender, a phone that is
    not a 10-digit Indian mobile (Invalid). Audit: patient.create.
    """
    require(can_register_patient(by))
    patient = Patient(
        hospital_id=by.hospital_id,
        full_name=full_name,
        age=age,
        gender=gender,
        phone_number=phone_number,
        address=address,
        created_by=by,
    )
    _clean_fields(patient)
    with transaction.atomic():
        hospital = Hospital.objects.select_for_update().get(pk=by.hospital_id)
        hospital.last_patient_number += 1
        hospital.save(update_fields=["last_patient_number"])
        patient.mrn_number = hospital.last_patient_number
        patient.save()
        record_event(
            actor=by,
            action="patient.create",
            target=patient,
            summary=f"Registered patient {patient.mrn}",
            changes={"mrn": patient.mrn, "gender": patient.gender, "age": patient.age},
        )
        return patient


def update_patient(
    *,
    by,
    patient: Patient,
    full_name: str | None = None,
    age: int | None = None,
    gender: str | None = None,
    phone_number: str | None = None,
    address: str | None = None,
) -> Patient:
    """Edit a patient's details; the MRN and hospital never change.

    Refuses: another hospital's patient (NotFound); another role (PermissionDenied);
    invalid values as for registration (Invalid). Audit: patient.update (before → after).
    """
    ensure_same_hospital(by, patient)
    require(can_edit_patient(by))
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        before = snapshot(patient, PATIENT_FIELDS)
        values = {
            "full_name": full_name,
            "age": age,
            "gender": gender,
            "phone_number": phone_number,
            "address": address,
        }
        for field, value in values.items():
            if value is not None:
                setattr(patient, field, value)
        _clean_fields(patient)
        changes = diff(patient, before, PATIENT_FIELDS)
        if not changes:
            return patient
        patient.save(update_fields=[*changes, "updated_at"])
        record_event(
            actor=by,
            action="patient.update",
            target=patient,
            summary=f"Updated patient {patient.mrn}",
            changes=changes,
        )
        return patient
