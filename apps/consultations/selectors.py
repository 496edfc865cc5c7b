from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.consultations.models import ConsultationSession
from apps.hospitals.models import Hospital
from common.constants import SessionStatus
from common.exceptions import NotFound

if TYPE_CHECKING:
    from apps.visits.models import Visit


def session_get(*, hospital: Hospital, session_id: int) -> ConsultationSession:
    """A session of `hospital` with its visit, patient, vitals and doctor."""
    try:
        return (
            ConsultationSession.objects.filter(hospital=hospital)
            .select_related("hospital", "visit", "visit__patient", "visit__vitals", "visit__hospital", "doctor")
            .get(pk=int(session_id))
        )
    except (ConsultationSession.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def get_doctor_queue(*, doctor: User) -> QuerySet[ConsultationSession]:
    """The doctor's open sessions in their hospital, oldest first, with patient and vitals."""
    return (
        ConsultationSession.objects.filter(
            hospital_id=doctor.staff_hospital_id, doctor=doctor, status=SessionStatus.OPEN
        )
        .select_related("visit", "visit__patient", "visit__vitals")
        .order_by("created_at", "id")
    )


def has_open_session(*, visit: Visit) -> bool:
    return ConsultationSession.objects.filter(
        hospital_id=visit.hospital_id, visit=visit, status=SessionStatus.OPEN
    ).exists()


def sessions_in_order() -> QuerySet[ConsultationSession]:
    """Sessions by number, for prefetching a visit's sessions."""
    return ConsultationSession.objects.order_by("session_number")
