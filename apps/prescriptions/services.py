from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations.models import ConsultationSession
from apps.patients.allergy_matching import matching_allergies
from apps.patients.models import Patient, PatientAllergy
from apps.patients.selectors import active_allergies
from apps.prescriptions.models import Prescription, PrescriptionItem
from apps.visits.models import Visit
from common import field_rules as rules
from common.constants import ItemStatus, SessionStatus
from common.exceptions import (
    AllergyConflict,
    DuplicateActiveItem,
    Invalid,
    ItemNotActive,
    NotFound,
    SessionNotOpen,
    SessionNotStarted,
)
from common.permissions import (
    can_change_prescription,
    can_read_prescription,
    ensure_same_hospital,
    require,
)
from common.validation import clean_text, full_clean_or_raise

ITEM_TEXT_FIELDS = ("medicine_name", "dosage", "frequency", "duration", "instructions")
# Each field's one rule (common.field_rules): normalised once there (invisible characters removed, white space
# collapsed), so the duplicate-active-medicine rule compares what shows.
ITEM_RULES = {
    "medicine_name": rules.MEDICINE_NAME,
    "dosage": rules.DOSAGE,
    "frequency": rules.FREQUENCY,
    "duration": rules.DURATION,
    "instructions": rules.INSTRUCTIONS,
}


def _clean_item_fields(values: dict) -> dict:
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for field, rule in ITEM_RULES.items():
        try:
            cleaned[field] = rule.clean_field(field, values[field])
        except Invalid as error:
            errors |= error.errors
    if errors:
        raise Invalid(next(iter(errors.values()))[0] if len(errors) == 1 else None, errors=errors)
    return cleaned


def ensure_prescription(*, visit: Visit) -> tuple[Prescription, bool]:
    """The visit's one prescription, created if it has none: (prescription, created).

    A step inside the doctor's own write (opening a session, adding a medicine), which
    has already checked who may act and whose one audit event notes the creation. Safe
    under simultaneous first opens: get_or_create inserts in a savepoint and, when a
    simultaneous open won the one-to-one constraint, reads the winner's row instead.
    """
    return Prescription.objects.get_or_create(visit=visit, defaults={"hospital_id": visit.hospital_id})


def record_prescription_view(*, by: User, prescription: Prescription) -> Prescription:
    """Note who read a prescription (health data, SPEC §7) and return it.

    Refuses: another hospital's (NotFound); anyone but the visit's doctor and the
    pharmacy (PermissionDenied). Audit: prescription.view.
    """
    ensure_same_hospital(by, prescription)
    require(can_read_prescription(by, prescription))
    with transaction.atomic():
        record_event(
            actor=by,
            action="prescription.view",
            target=prescription,
            summary=f"Viewed the prescription of visit #{prescription.visit_id}",
        )
    return prescription


def _lock_open_session(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """Only the session's doctor changes items, and only while it is open (row locked until commit)."""
    ensure_same_hospital(by, session)
    require(can_change_prescription(by, session), "Only this session's doctor can change its prescription.")
    session = (
        ConsultationSession.objects.select_for_update(of=("self",))
        .select_related("visit", "visit__patient")
        .get(pk=session.pk)
    )
    if session.status != SessionStatus.OPEN:
        raise SessionNotOpen("This session is completed; items can only be changed in an open session.")
    if session.started_at is None:
        raise SessionNotStarted("Start the consultation before changing its prescription.")
    return session


def _duplicate_message(name: str) -> str:
    return f"{name} is already on this prescription; stop it first to change it."


def _allergy_message(medicine_name: str, allergies: list[PatientAllergy]) -> str:
    described = "; ".join(
        f"{a.substance} ({a.get_severity_display().lower()}{': ' + a.reaction if a.reaction else ''})"
        for a in allergies
    )
    return (
        f"The patient is allergic to {described}, which {medicine_name} matches. "
        "Choose another medicine, or give a reason to override the allergy."
    )


def check_allergies(*, patient: Patient, medicine_name: str, override_reason: str) -> list[PatientAllergy]:
    """The patient's active allergies that `medicine_name` matches (apps.patients.allergy_matching).

    A step of adding an item (its event records the override). Refuses a match without an
    override reason (AllergyConflict, naming the allergies); returns the matches it overrides.
    """
    matched = matching_allergies(active_allergies(hospital=patient.hospital_id, patient=patient), medicine_name)
    if matched and not override_reason:
        raise AllergyConflict(_allergy_message(medicine_name, matched), allergies=matched)
    return matched


def add_prescription_item(
    *,
    by: User,
    session: ConsultationSession,
    medicine_name: str,
    dosage: str,
    frequency: str,
    duration: str,
    instructions: str = "",
    allergy_override_reason: str = "",
) -> PrescriptionItem:
    """Add a medicine to the visit's prescription in an open session.

    Refuses: another hospital's session (NotFound); anyone but the session's doctor
    (PermissionDenied); a completed session (Conflict); missing or over-long fields
    (Invalid); a medicine already active on the prescription, compared
    case-insensitively (Conflict — also under a race, by the database's partial
    unique index); a medicine that matches an active allergy of the patient, unless
    `allergy_override_reason` says why (AllergyConflict). A reason given when nothing
    matches is not kept. Audit: prescription.item_add (with `allergy_override` and the
    allergies' ids when one was overridden; never the substance or the reason).
    """
    override_reason = clean_text(allergy_override_reason)
    values = _clean_item_fields(
        dict(zip(ITEM_TEXT_FIELDS, (medicine_name, dosage, frequency, duration, instructions), strict=True))
    )
    try:
        with transaction.atomic():
            session = _lock_open_session(by=by, session=session)
            prescription, created = ensure_prescription(visit=session.visit)
            item = PrescriptionItem(
                hospital_id=session.hospital_id, prescription=prescription, session=session, **values
            )
            item.allergy_override_reason = override_reason
            full_clean_or_raise(item, exclude=["hospital", "prescription", "session", "stopped_in_session"])
            # The session's lock serialises every change to this prescription (one open session per
            # visit), so this check sees every earlier add.
            active = prescription.items.filter(status=ItemStatus.ACTIVE, medicine_name__iexact=item.medicine_name)
            if existing := active.first():
                raise DuplicateActiveItem(_duplicate_message(existing.medicine_name))
            overridden = check_allergies(
                patient=session.visit.patient, medicine_name=item.medicine_name, override_reason=override_reason
            )
            if not overridden:
                item.allergy_override_reason = ""
            item.save()
            record_event(
                actor=by,
                action="prescription.item_add",
                target=item,
                summary=f"Added item #{item.pk} to the prescription of visit #{session.visit_id}",
                changes={field: getattr(item, field) for field in ITEM_TEXT_FIELDS}
                | {"session": session.session_number}
                | ({"prescription_created": prescription.pk} if created else {})
                | (
                    {
                        "allergy_override": True,
                        "allergies": [allergy.pk for allergy in overridden],
                        "allergy_override_reason": item.allergy_override_reason,
                    }
                    if overridden
                    else {}
                ),
            )
            return item
    except IntegrityError:
        # The partial unique index, should a change ever bypass that lock: a refusal, never a 500.
        raise DuplicateActiveItem(_duplicate_message(values["medicine_name"])) from None


def stop_prescription_item(
    *, by: User, session: ConsultationSession, item: PrescriptionItem | None = None, medicine_name: str | None = None
) -> PrescriptionItem:
    """Stop an active item, named by the item or by its medicine name (case-insensitive), in an open session.

    Refuses: neither or both of item and medicine_name (Invalid); another hospital's
    session, or an item of another prescription (NotFound); anyone but the session's
    doctor (PermissionDenied); a completed session (Conflict); no active item of that
    name (Invalid); an item already stopped (Conflict). Audit: prescription.item_stop.
    """
    if (item is None) == (not medicine_name):
        raise Invalid("Name the item to stop by its id or by its medicine name, not both.")
    with transaction.atomic():
        session = _lock_open_session(by=by, session=session)
        items = PrescriptionItem.objects.select_for_update().filter(
            hospital_id=session.hospital_id, prescription__visit_id=session.visit_id
        )
        if item is not None:
            item = items.filter(pk=item.pk).first()
            if item is None:
                raise NotFound()
            if item.status != ItemStatus.ACTIVE:
                raise ItemNotActive(f"{item.medicine_name} is already stopped.")
        else:
            name = rules.MEDICINE_NAME.clean_field("medicine_name", medicine_name)
            item = items.filter(status=ItemStatus.ACTIVE, medicine_name__iexact=name).first()
            if item is None:
                raise Invalid.on_field("medicine_name", f"No active item named {name} on this prescription.")
        item.status = ItemStatus.STOPPED
        item.stopped_in_session = session
        item.stopped_at = timezone.now()
        item.save(update_fields=["status", "stopped_in_session", "stopped_at"])
        record_event(
            actor=by,
            action="prescription.item_stop",
            target=item,
            summary=f"Stopped item #{item.pk} on the prescription of visit #{session.visit_id}",
            changes={"status": [ItemStatus.ACTIVE, ItemStatus.STOPPED], "session": session.session_number},
        )
        return item
