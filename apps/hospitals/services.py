from typing import Any

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.accounts.services import end_sessions_of_hospital
from apps.audit.services import diff, record_event, snapshot
from apps.hospitals.models import Hospital
from apps.hospitals.signals import hospital_created
from common import field_rules as rules
from common.constants import DEFAULT_TIME_ZONE
from common.exceptions import Invalid
from common.permissions import can_manage_hospitals, require
from common.validation import clean_text, full_clean_or_raise

EDITABLE_FIELDS = [
    "name",
    "max_doctors",
    "max_receptionists",
    "max_medical_staff",
    "default_visit_validity_days",
    "address",
    "phone",
    "time_zone",
]
DUPLICATE_NAME = "A hospital with this name already exists."


def _save_validated(hospital: Hospital, *, update_fields: list[str] | None = None) -> None:
    # The visit's own validity rule, with the message the form and the API give for it.
    hospital.default_visit_validity_days = rules.VISIT_VALIDITY_DAYS.clean_field(
        "default_visit_validity_days", hospital.default_visit_validity_days
    )
    full_clean_or_raise(hospital)
    if Hospital.objects.filter(name__iexact=hospital.name).exclude(pk=hospital.pk).exists():
        raise Invalid.on_field("name", DUPLICATE_NAME)
    try:
        with transaction.atomic():
            hospital.save(update_fields=update_fields)
    except IntegrityError:  # a simultaneous create with the same name
        raise Invalid.on_field("name", DUPLICATE_NAME) from None


def create_hospital(
    *,
    by: User,
    name: str,
    max_doctors: int,
    max_receptionists: int,
    max_medical_staff: int,
    default_visit_validity_days: int = 7,
    address: str = "",
    phone: str = "",
    time_zone: str = DEFAULT_TIME_ZONE,
) -> Hospital:
    """Create a hospital with its staff limits. Super admin only.

    Refuses: another role (PermissionDenied); a name already taken, case-insensitively,
    negative limits, validity outside 1–365, an unknown time zone (Invalid).
    Audit: hospital.create.
    """
    require(can_manage_hospitals(by))
    with transaction.atomic():
        hospital = Hospital(
            name=clean_text(name),
            max_doctors=max_doctors,
            max_receptionists=max_receptionists,
            max_medical_staff=max_medical_staff,
            default_visit_validity_days=default_visit_validity_days,
            address=(address or "").strip(),
            phone=clean_text(phone),
            time_zone=time_zone,
        )
        _save_validated(hospital)
        hospital_created.send(sender=Hospital, hospital=hospital)  # e.g. its formulary (apps.formulary)
        record_event(
            actor=by,
            action="hospital.create",
            target=hospital,
            hospital=hospital,
            summary=f"Created hospital {hospital.name}",
            changes={field: str(getattr(hospital, field)) for field in EDITABLE_FIELDS},
        )
        return hospital


def update_hospital(*, by: User, hospital: Hospital, is_active: bool | None = None, **fields: Any) -> Hospital:
    """Change a hospital's name, limits, validity default, address, phone or time zone. Super admin only.

    Lowering a limit below the number of active staff is allowed: nobody is
    deactivated, but no one more of that role can be created or re-activated
    until the count falls below the new limit. `is_active`, when given, is applied
    as `set_hospital_status` does, in the same transaction.
    Refuses: another role (PermissionDenied); unknown fields and invalid values (Invalid).
    Audit: hospital.update with before → after of the fields that changed.
    """
    require(can_manage_hospitals(by))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        hospital = Hospital.objects.select_for_update().get(pk=hospital.pk)
        before = snapshot(hospital, EDITABLE_FIELDS)
        for field, value in fields.items():
            if value is not None:
                setattr(hospital, field, clean_text(value) if field in ("name", "phone") else value)
        changes = diff(hospital, before, EDITABLE_FIELDS)
        if changes:
            _save_validated(hospital, update_fields=[*changes, "updated_at"])
            record_event(
                actor=by,
                action="hospital.update",
                target=hospital,
                hospital=hospital,
                summary=f"Updated hospital {hospital.name}",
                changes=changes,
            )
        if is_active is not None:
            hospital = set_hospital_status(by=by, hospital=hospital, is_active=is_active)
        return hospital


def set_hospital_status(*, by: User, hospital: Hospital, is_active: bool) -> Hospital:
    """Activate or deactivate a hospital. Super admin only.

    A deactivated hospital's users cannot log in, and every session and API token
    they had ends for good: re-activating the hospital brings none of them back.
    Audit: hospital.activate / hospital.deactivate.
    """
    require(can_manage_hospitals(by))
    with transaction.atomic():
        hospital = Hospital.objects.select_for_update().get(pk=hospital.pk)
        if hospital.is_active == is_active:
            return hospital
        hospital.is_active = is_active
        hospital.save(update_fields=["is_active", "updated_at"])
        if not is_active:
            end_sessions_of_hospital(hospital)
        record_event(
            actor=by,
            action="hospital.activate" if is_active else "hospital.deactivate",
            target=hospital,
            hospital=hospital,
            summary=f"{'Activated' if is_active else 'Deactivated'} hospital {hospital.name}",
            changes={"is_active": [not is_active, is_active]},
        )
        return hospital
