from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations.models import ConsultationSession
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.models import Prescription
from apps.prescriptions.selectors import items_active_at_end_of
from common.constants import SessionStatus
from common.exceptions import AlreadyDispensed, NothingToDispense, NotPrinted, SessionNotCompleted
from common.permissions import (
    can_dispense,
    can_print_prescription,
    can_view_dispense_records,
    ensure_same_hospital,
    require,
)


def get_or_create_dispense_record(*, session: ConsultationSession) -> DispenseRecord | None:
    """The record of a completed session whose prescription leaves at least one active item.

    Returns None when there is nothing to dispense (no prescription, or no item
    active at the session's end). A step of completing the session: its caller has
    checked who may act, and its one audit event (session.complete) names the record.
    Safe under simultaneous calls (unique per prescription and session). Refuses: an
    open session (Conflict).
    """
    if session.status != SessionStatus.COMPLETED:
        raise SessionNotCompleted("This session is still open; the pharmacy sees it once the doctor completes it.")
    prescription = Prescription.objects.filter(visit_id=session.visit_id).first()
    # What was active at a session's end never changes afterwards, so this answer is final.
    if prescription is None or not items_active_at_end_of(session=session).exists():
        return None
    # Unique per session: a simultaneous call's insert loses (in get_or_create's savepoint) and reads the winner's row.
    record, _ = DispenseRecord.objects.get_or_create(
        session=session, defaults={"hospital_id": session.hospital_id, "prescription": prescription}
    )
    return record


def record_dispense_view(*, by: User, record: DispenseRecord, page: str) -> DispenseRecord:
    """Note who read a prescription at the pharmacy (health data, SPEC §7): its page, print view or labels.

    Refuses: another hospital's record (NotFound); anyone but medical staff
    (PermissionDenied). Audit: dispense.view, with the page in its changes.
    """
    ensure_same_hospital(by, record)
    require(can_view_dispense_records(by))
    with transaction.atomic():
        record_event(
            actor=by,
            action="dispense.view",
            target=record,
            summary=f"Viewed the {page} of dispense record #{record.pk}",
            changes={"page": page},
        )
    return record


def mark_as_printed(*, by: User, record: DispenseRecord) -> DispenseRecord:
    """Record a print of the prescription. Printing may repeat; the first print's time is kept.

    Refuses: another hospital's record (NotFound); anyone but medical staff
    (PermissionDenied). Audit: dispense.print.
    """
    ensure_same_hospital(by, record)
    require(can_print_prescription(by))
    with transaction.atomic():
        record = DispenseRecord.objects.select_for_update().get(pk=record.pk)
        if not record.is_printed:
            record.is_printed = True
            record.printed_at = timezone.now()
        record.print_count += 1
        record.save(update_fields=["is_printed", "printed_at", "print_count"])
        record_event(
            actor=by,
            action="dispense.print",
            target=record,
            summary=f"Printed the prescription of dispense record #{record.pk} (print {record.print_count})",
            changes={"print_count": record.print_count},
        )
        return record


def mark_as_dispensed(*, by: User, record: DispenseRecord) -> DispenseRecord:
    """Hand the medicines over. Exactly once, also when two pharmacists click at the same moment:
    the row is locked and re-read, so the second sees the first's dispense.

    Refuses: another hospital's record (NotFound); anyone but medical staff
    (PermissionDenied); a record not yet printed, already dispensed, of a session
    not completed, or with no active item (Conflict). Audit: dispense.dispense.
    """
    ensure_same_hospital(by, record)
    require(can_dispense(by))
    with transaction.atomic():
        # Lock and re-read the row alone: after waiting for another dispense, PostgreSQL re-checks the
        # locked row but not rows joined to it, so related objects are loaded afterwards.
        record = DispenseRecord.objects.select_for_update().get(pk=record.pk)
        if record.is_dispensed:
            when = timezone.localtime(record.dispensed_at).strftime("%d %b %Y %H:%M")
            by_whom = record.dispensed_by.username if record.dispensed_by else "someone"
            raise AlreadyDispensed(f"Already dispensed by {by_whom} at {when}.")
        if record.session.status != SessionStatus.COMPLETED:
            raise SessionNotCompleted("The consultation is not completed yet.")
        if not record.is_printed:
            raise NotPrinted("Print the prescription before dispensing it.")
        if not items_active_at_end_of(session=record.session).exists():
            raise NothingToDispense("This prescription has no active medicine to dispense.")
        record.is_dispensed = True
        record.dispensed_at = timezone.now()
        record.dispensed_by = by
        record.save(update_fields=["is_dispensed", "dispensed_at", "dispensed_by"])
        record_event(
            actor=by,
            action="dispense.dispense",
            target=record,
            summary=f"Dispensed the prescription of dispense record #{record.pk}",
            changes={"is_dispensed": [False, True]},
        )
        return record
