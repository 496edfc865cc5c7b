from django.db.models import QuerySet

from apps.consultations.models import ConsultationSession
from common.constants import SessionStatus
from common.exceptions import NotFound


def session_get(*, hospital, session_id) -> ConsultationSession:
    """A session of `hospital` with its visit, patient, vitals and doctor."""
    try:
        return (
            ConsultationSession.objects.filter(hospital=hospital)
            .select_related("hospital", "visit", "visit__patient", "visit__vitals", "visit__hospital", "doctor")
            .get(pk=int(session_id))
        )
    except (ConsultationSession.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def session_to_change(*, hospital, session_id) -> ConsultationSession:
    """A session of `hospital`, the row alone: for a write whose service locks and re-reads it anyway.

    Measured (bench.profile "API add item", small set, two passes each): 10.9 → 8.8 ms of Django's CPU
    per request, 2.3 → 1.8 ms of PostgreSQL's, against session_get's six joined rows.
    """
    try:
        return ConsultationSession.objects.get(hospital=hospital, pk=int(session_id))
    except (ConsultationSession.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def get_doctor_queue(*, doctor) -> QuerySet[ConsultationSession]:
    """The doctor's open sessions in their hospital, oldest first, with patient and vitals."""
    return (
        ConsultationSession.objects.filter(hospital_id=doctor.hospital_id, doctor=doctor, status=SessionStatus.OPEN)
        .select_related("visit", "visit__patient", "visit__vitals")
        .order_by("created_at", "id")
    )


def has_open_session(*, visit) -> bool:
    return ConsultationSession.objects.filter(
        hospital_id=visit.hospital_id, visit=visit, status=SessionStatus.OPEN
    ).exists()


def sessions_in_order():
    """Sessions by number, for prefetching a visit's sessions."""
    return ConsultationSession.objects.order_by("session_number")
