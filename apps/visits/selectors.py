from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from apps.accounts.models import User
from apps.consultations.models import Complaint, ConsultationSession, Diagnosis
from apps.consultations.selectors import sessions_in_order
from apps.hospitals.models import Hospital
from apps.patients.models import Patient
from apps.visits.models import Visit
from common.constants import Role, SessionStatus
from common.exceptions import NotFound


def _by_id(queryset: QuerySet, object_id: int | str) -> Any:
    try:
        return queryset.get(pk=int(object_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def visit_get(*, hospital: Hospital, visit_id: int) -> Visit:
    return _by_id(
        Visit.objects.filter(hospital=hospital).select_related("hospital", "patient", "doctor", "vitals"),
        visit_id,
    )


def visits_for_patient(*, hospital: Hospital, patient: Patient, exclude_visit_id: int | None = None) -> QuerySet[Visit]:
    """The patient's visits in this hospital, newest first, with vitals, doctor and sessions."""
    visits = (
        Visit.objects.filter(hospital=hospital, patient=patient)
        .select_related("doctor", "vitals")
        .prefetch_related(Prefetch("sessions", queryset=sessions_in_order()))
        .order_by("-created_at", "-id")
    )
    if exclude_visit_id is not None:
        visits = visits.exclude(pk=exclude_visit_id)
    return visits


def patient_timeline(
    *, hospital: Hospital, patient: Patient, before: Visit | None = None, with_notes: bool = True
) -> QuerySet[Visit]:
    """The patient's visits newest first (`before`: only those made before that visit, the consultation
    page's "earlier visits"), for a timeline paged by position (keyset_page): each with its
    doctor, vitals and sessions by number (`timeline_sessions`, a list) and, `with_notes`, each session's
    record with its `complaint_list` and `diagnosis_list`, and the visit's prescription with its
    `item_list`. A page costs the same few queries whether the patient has 5 visits or 500: one for the
    visits (with doctor, vitals and prescription), one per list over the page's rows only (the order is
    served by visit_hosp_pat_time_idx).

    The lists are prefetched into attributes (`to_attr`), the record and prescription joined: Django
    builds no QuerySet per row for them. A page of 10 visits (bench "session page", small set):
    15.5 → 12.0 ms of Django's CPU to read the page's rows, 7 → 5 queries (a timing loop, interleaved).
    """
    visits = Visit.objects.filter(hospital=hospital, patient=patient).select_related("doctor", "vitals")
    if before is not None:  # in the list's own order (created_at, id), so a visit of the same instant sorts too
        made = before.created_at
        visits = visits.filter(Q(created_at__lt=made) | Q(created_at=made, pk__lt=before.pk))
    visits = visits.order_by("-created_at", "-id")
    if not with_notes:
        return visits.prefetch_related(Prefetch("sessions", queryset=sessions_in_order(), to_attr="timeline_sessions"))
    # Relations named as strings: prescriptions sit above this app, and a join or prefetch needs no import.
    return visits.select_related("prescription").prefetch_related(
        Prefetch("sessions", queryset=sessions_in_order().select_related("record"), to_attr="timeline_sessions"),
        Prefetch(
            "timeline_sessions__record__complaints",
            queryset=Complaint.objects.order_by("position"),
            to_attr="complaint_list",
        ),
        Prefetch(
            "timeline_sessions__record__diagnoses",
            queryset=Diagnosis.objects.order_by("position"),
            to_attr="diagnosis_list",
        ),
        Prefetch("prescription__items", to_attr="item_list"),  # the items' own order: created_at, id
    )


def _visits_in_full(hospital: Hospital) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(hospital=hospital)
        .select_related("hospital", "patient", "doctor", "vitals")
        .prefetch_related(Prefetch("sessions", queryset=sessions_in_order()))
    )


def visit_list(
    *,
    hospital: Hospital,
    doctor: User | None = None,
    patient_id: int | None = None,
    day: date | None = None,
    is_active: bool | None = None,
) -> QuerySet[Visit]:
    """The hospital's visits, newest first, with patient, doctor, vitals and sessions; `doctor` narrows to theirs."""
    visits = _visits_in_full(hospital).order_by("-created_at", "-id")
    if doctor is not None:
        visits = visits.filter(doctor=doctor)
    if patient_id is not None:
        visits = visits.filter(patient_id=patient_id)
    if day is not None:
        visits = visits.filter(visit_date=day)
    if is_active is not None:
        visits = visits.filter(is_active=is_active)
    return visits


def visit_detail_get(*, hospital: Hospital, visit_id: int) -> Visit:
    """One visit with patient, doctor, vitals and every session (what the API returns)."""
    return _by_id(_visits_in_full(hospital), visit_id)


def active_doctors(*, hospital: Hospital) -> QuerySet[User]:
    return User.objects.filter(hospital=hospital, role=Role.DOCTOR, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def doctor_get(*, hospital: Hospital, doctor_id: int) -> User:
    return _by_id(User.objects.filter(hospital=hospital, role=Role.DOCTOR), doctor_id)


def todays_visits(*, hospital: Hospital) -> QuerySet[Visit]:
    """Visits and follow-ups of the hospital's day, newest first, each annotated with where the patient is now.

    `latest_*` describe the newest session; `stage` is waiting / in_consultation /
    completed / dispensed. Everything comes from annotations: a fixed number of
    queries, whatever the number of visits.
    """
    today = hospital.local_date()
    sessions = ConsultationSession.objects.filter(visit=OuterRef("pk"))
    latest = sessions.order_by("-session_number")
    return (
        Visit.objects.filter(hospital=hospital)
        .filter(Exists(sessions.filter(token_date=today)))
        .select_related("patient", "doctor")
        .annotate(
            latest_session_id=Subquery(latest.values("pk")[:1]),
            latest_session_number=Subquery(latest.values("session_number")[:1]),
            latest_token=Subquery(latest.values("token_number")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_started_at=Subquery(latest.values("started_at")[:1]),
            # The waiting room: since when the patient waits, whether they are called, skipped away, prioritised.
            latest_created_at=Subquery(latest.values("created_at")[:1]),
            latest_called_at=Subquery(latest.values("called_at")[:1]),
            latest_no_show_at=Subquery(latest.values("no_show_at")[:1]),
            latest_priority=Subquery(latest.values("priority")[:1]),
        )
        .annotate(
            # By relation name: visits sits below pharmacy and does not import its models.
            latest_dispensed=Exists(
                ConsultationSession.objects.filter(pk=OuterRef("latest_session_id"), dispense_record__is_dispensed=True)
            ),
        )
        .order_by("-created_at", "-id")
    )


def visit_stage(visit: Visit) -> str:
    """waiting / called / no_show / in_consultation / completed / dispensed, from todays_visits' annotations."""
    annotated: Any = visit  # latest_status, latest_started_at, …: todays_visits' annotations
    if annotated.latest_status == SessionStatus.OPEN:
        if annotated.latest_started_at:
            return "in_consultation"
        if annotated.latest_no_show_at:
            return "no_show"
        return "called" if annotated.latest_called_at else "waiting"
    return "dispensed" if annotated.latest_dispensed else "completed"
