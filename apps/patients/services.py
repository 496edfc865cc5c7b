import re

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import diff, record_event, snapshot
from apps.hospitals.models import Hospital
from apps.patients.models import Patient
from common.constants import Language
from common.exceptions import Invalid
from common.permissions import can_edit_patient, can_register_patient, ensure_same_hospital, require
from common.validation import clean_text, full_clean_or_raise

PHONE_MESSAGE = "Enter a 10-digit Indian mobile number (optionally with +91)."
PATIENT_FIELDS = ["full_name", "age", "gender", "phone_number", "address", "preferred_language"]
_PHONE_PREFIX = re.compile(r"^(?:\+?91|0)(?=[6-9]\d{9}$)")


def normalise_phone(value: str | None) -> str:
    """ "+91 98765-43210", "09876543210", "9876543210" → "9876543210"; "" stays ""."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if not digits:
        return ""
    digits = _PHONE_PREFIX.sub("", digits)
    if not re.fullmatch(r"[6-9]\d{9}", digits):
        raise Invalid.on_field("phone_number", PHONE_MESSAGE)
    return digits


def _clean_fields(patient: Patient) -> None:
    patient.full_name = clean_text(patient.full_name)
    patient.address = (patient.address or "").strip()
    if not patient.full_name:
        raise Invalid.on_field("full_name", "Enter the patient's name.")
    errors: dict[str, list[str]] = {}
    try:
        patient.phone_number = normalise_phone(patient.phone_number)
    except Invalid as error:
        errors |= error.errors
    try:
        full_clean_or_raise(patient, exclude=["hospital", "created_by", "mrn_number"])
    except Invalid as error:
        errors |= error.errors
    if errors:
        raise Invalid(errors=errors) if len(errors) > 1 else Invalid(next(iter(errors.values()))[0], errors=errors)


def create_patient(
    *,
    by: User,
    full_name: str,
    age: int,
    gender: str,
    phone_number: str = "",
    address: str = "",
    preferred_language: str = Language.ENGLISH,
) -> Patient:
    """Register a patient in the receptionist's hospital with the next MRN.

    MRNs are sequential per hospital and never reused: the hospital row is locked
    while the number is taken, so simultaneous registrations get distinct numbers
    with no gaps. Refuses: another role (PermissionDenied); a name that is empty or
    over 120 characters, an age outside 0–130, an unknown gender, a phone that is
    not a 10-digit Indian mobile (Invalid). Audit: patient.create.
    """
    require(can_register_patient(by))
    patient = Patient(
        hospital_id=by.staff_hospital_id,
        full_name=full_name,
        age=age,
        gender=gender,
        phone_number=phone_number,
        address=address,
        preferred_language=preferred_language,
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
    by: User,
    patient: Patient,
    full_name: str | None = None,
    age: int | None = None,
    gender: str | None = None,
    phone_number: str | None = None,
    address: str | None = None,
    preferred_language: str | None = None,
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
            "preferred_language": preferred_language,
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
