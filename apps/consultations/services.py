from django.db import transaction
from django.utils import timezone

from apps.audit.services import record_event
from apps.pharmacy.services import get_or_create_dispense_record
from apps.prescriptions.services import ensure_prescription
from apps.visits.models import ConsultationSession
from common.constants import SessionStatus
from common.exceptions import Conflict
from common.permissions import can_complete_session, can_open_session, ensure_same_hospital, require


def open_session(*, by, session: ConsultationSession) -> ConsultationSession:
    """The doctor opens a session of their queue (or reads a completed one).

    Marks an open session "in consultation" the first time, creates the visit's
    prescription if it has none, and records who read the patient's health data.
    Refuses: another hospital's session (NotFound); anyone but the session's
    doctor (PermissionDenied). Audit: consultation.view, each time (its changes note
    the first open's start and the prescription's creation).
    """
    ensure_same_hospital(by, session)
    require(can_open_session(by, session), "Only this session's doctor can open it.")
    with transaction.atomic():
        changes = {}
        if session.status == SessionStatus.OPEN and session.started_at is None:
            # Only the first open sets it; a simultaneous second open updates nothing.
            started = timezone.now()
            if ConsultationSession.objects.filter(pk=session.pk, started_at__isnull=True).update(started_at=started):
                session.started_at = started
                changes["started_at"] = started.isoformat()
        prescription, created = ensure_prescription(visit=session.visit)
        if created:
            changes["prescription_created"] = prescription.pk
        record_event(
            actor=by,
            action="consultation.view",
            target=session,
            summary=f"Opened session {session.session_number} of visit #{session.visit_id}",
            changes=changes,
        )
        return session


def complete_session(*, by, session: ConsultationSession) -> ConsultationSession:
    """The doctor completes the session, once; the pharmacy then sees what is active.

    Creates the dispense record when at least one item is active. Refuses: another
    hospital's session (NotFound); anyone but its doctor (PermissionDenied); a
    session already completed (Conflict). Audit: session.complete, whose changes
    name the dispense record when one is made.
    """
    ensure_same_hospital(by, session)
    require(can_complete_session(by, session), "Only this session's doctor can complete it.")
    with transaction.atomic():
        session = ConsultationSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.OPEN:
            raise Conflict("This session is already completed.")
        session.status = SessionStatus.COMPLETED
        session.completed_at = timezone.now()
        session.save(update_fields=["status", "completed_at"])
        record = get_or_create_dispense_record(session=session)
        record_event(
            actor=by,
            action="session.complete",
            target=session,
            summary=f"Completed session {session.session_number} of visit #{session.visit_id}",
            changes={"status": [SessionStatus.OPEN, SessionStatus.COMPLETED]}
            | ({"dispense_record": record.pk} if record else {}),
        )
        return session
