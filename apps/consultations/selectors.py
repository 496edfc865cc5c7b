from django.db.models import QuerySet

from apps.visits.models import ConsultationSession
from apps.visits.selectors import session_get
from common.constants import SessionStatus


def get_doctor_queue(*, doctor) -> QuerySet[ConsultationSession]:
    """The doctor's open sessions in their hospital, oldest first, with patient and vitals."""
    return (
        ConsultationSession.objects.filter(hospital_id=doctor.hospital_id, doctor=doctor, status=SessionStatus.OPEN)
        .select_related("visit", "visit__patient", "visit__vitals")
        .order_by("created_at", "id")
    )


def consultation_get(*, hospital, session_id) -> ConsultationSession:
    """A session with its visit, patient, vitals and doctor, for the consultation page."""
    return session_get(hospital=hospital, session_id=session_id)
