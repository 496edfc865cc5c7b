from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from apps.consultations.models import ConsultationSession
from common.constants import SessionStatus
from common.exceptions import NoOpenSession, NotFound

# The queue's states as lookups on an open session (models.ConsultationSession.queue_state).
WAITING = Q(status=SessionStatus.OPEN, started_at__isnull=True, called_at__isnull=True, no_show_at__isnull=True)
CALLED = Q(status=SessionStatus.OPEN, started_at__isnull=True, called_at__isnull=False, no_show_at__isnull=True)
NO_SHOW = Q(status=SessionStatus.OPEN, started_at__isnull=True, no_show_at__isnull=False)


def _state_rank():
    """The doctor's list: in consultation, being called, waiting (in call order), then no-shows."""
    return Case(
        When(started_at__isnull=False, then=Value(0)),
        When(no_show_at__isnull=False, then=Value(3)),
        When(called_at__isnull=False, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def waiting_in_call_order(*, hospital_id, doctor_id) -> QuerySet[ConsultationSession]:
    """The doctor's waiting tokens in the order "call next" takes them: priority rank, then queue time."""
    return ConsultationSession.objects.filter(WAITING, hospital_id=hospital_id, doctor_id=doctor_id).order_by(
        "queue_rank", "queued_at", "id"
    )


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


def get_doctor_queue(*, doctor) -> QuerySet[ConsultationSession]:
    """The doctor's open sessions in their hospital with patient and vitals: in consultation, being called,
    waiting in call order (priority, then oldest first), then no-shows."""
    return (
        ConsultationSession.objects.filter(hospital_id=doctor.hospital_id, doctor=doctor, status=SessionStatus.OPEN)
        .select_related("visit", "visit__patient", "visit__vitals")
        .annotate(state_rank=_state_rank())
        .order_by("state_rank", "queue_rank", "queued_at", "id")
    )


def open_session_of_visit(*, visit) -> ConsultationSession:
    """The visit's open session (the one in a queue), or Conflict NoOpenSession."""
    session = (
        ConsultationSession.objects.filter(hospital_id=visit.hospital_id, visit=visit, status=SessionStatus.OPEN)
        .select_related("visit", "doctor")
        .first()
    )
    if session is None:
        raise NoOpenSession("This visit has no open session: nobody waits for it.")
    return session


def has_open_session(*, visit) -> bool:
    return ConsultationSession.objects.filter(
        hospital_id=visit.hospital_id, visit=visit, status=SessionStatus.OPEN
    ).exists()


def sessions_in_order():
    """Sessions by number, for prefetching a visit's sessions."""
    return ConsultationSession.objects.order_by("session_number")


# The front desk's numbers (SPEC §11): each doctor's queue, today's average consultation, an estimate.

# Until a doctor completes a consultation today, an estimate assumes this many minutes each.
DEFAULT_CONSULTATION_MINUTES = 10


def queue_overview(*, hospital) -> list:
    """Active doctors (and any with a queue), each with `queue_length` (waiting or called today and
    before, not started, not no-shows), `no_shows`, `in_consultation`, `average_minutes` (today's completed
    consultations, start to completion; None before the first) and `estimated_wait_minutes` for the next
    registration: the tokens ahead of it times the average (or DEFAULT_CONSULTATION_MINUTES). One query."""
    from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F

    from apps.accounts.models import User
    from common.constants import Role

    today = hospital.local_date()
    open_ = Q(consultation_sessions__status=SessionStatus.OPEN, consultation_sessions__started_at__isnull=True)
    doctors = (
        User.objects.filter(hospital=hospital, role=Role.DOCTOR)
        .annotate(
            queue_length=Count(
                "consultation_sessions", filter=open_ & Q(consultation_sessions__no_show_at__isnull=True)
            ),
            no_shows=Count("consultation_sessions", filter=open_ & Q(consultation_sessions__no_show_at__isnull=False)),
            in_consultation=Count(
                "consultation_sessions",
                filter=Q(
                    consultation_sessions__status=SessionStatus.OPEN, consultation_sessions__started_at__isnull=False
                ),
            ),
            average=Avg(
                ExpressionWrapper(
                    F("consultation_sessions__completed_at") - F("consultation_sessions__started_at"),
                    output_field=DurationField(),
                ),
                filter=Q(
                    consultation_sessions__status=SessionStatus.COMPLETED, consultation_sessions__token_date=today
                ),
            ),
        )
        .filter(Q(is_active=True) | Q(queue_length__gt=0))
        .order_by("first_name", "last_name", "username")
    )
    result = list(doctors)
    for doctor in result:
        doctor.average_minutes = round(doctor.average.total_seconds() / 60, 1) if doctor.average else None
        minutes = doctor.average_minutes or DEFAULT_CONSULTATION_MINUTES
        doctor.estimated_wait_minutes = round((doctor.queue_length + doctor.in_consultation) * minutes)
    return result


def hospital_average_minutes(doctors) -> float | None:
    """Today's average consultation across the doctors of `queue_overview` (weighted equally per doctor)."""
    averages = [d.average_minutes for d in doctors if d.average_minutes is not None]
    return round(sum(averages) / len(averages), 1) if averages else None
