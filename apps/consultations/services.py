"""Consultation sessions: opening one with the doctor's next token, starting and completing it.

`open_session`, `start_session` and `complete_session` are steps of actions composed above
this app (creating a visit and following one up in `visits`; starting and completing a
consultation in `opd`, which also open the prescription and hand over to the pharmacy): the
action checks who may act and writes the one audit event. `record_session_view` is a
service of its own: who read a session's health data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations.models import ConsultationSession
from common.constants import SessionStatus
from common.exceptions import SessionNotOpen, SessionNotStarted
from common.permissions import can_view_session, ensure_same_hospital, require

if TYPE_CHECKING:
    from apps.visits.models import Visit


def lock_doctor(doctor: User) -> None:
    """Lock the doctor's row until commit. It serialises what must not race for one doctor:
    their token numbers, and each patient's one active visit with them (visits)."""
    User.objects.select_for_update().filter(pk=doctor.pk).values_list("pk").first()


def open_session(*, visit: Visit, number: int, by: User) -> ConsultationSession:
    """Open session `number` of `visit` with the doctor's next token of the hospital's day.

    A step: the caller holds the doctor's lock (`lock_doctor`), so the highest token read here
    is the highest there is; the unique (doctor, day, token) constraint stands behind it.
    """
    today = visit.hospital.local_date()
    last_token = ConsultationSession.objects.filter(doctor_id=visit.doctor_id, token_date=today).aggregate(
        last=Max("token_number")
    )["last"]
    return ConsultationSession.objects.create(
        hospital_id=visit.hospital_id,
        visit=visit,
        doctor_id=visit.doctor_id,
        session_number=number,
        token_number=(last_token or 0) + 1,
        token_date=today,
        created_by=by,
    )


def start_session(*, session: ConsultationSession) -> tuple[ConsultationSession, bool]:
    """Mark an open session "in consultation": (the session locked and re-read, whether this call started it).

    A step of `opd.services.start_consultation`. Starting a session already started changes
    nothing (a double click); a completed one is refused (Conflict).
    """
    session = ConsultationSession.objects.select_for_update(of=("self",)).select_related("visit").get(pk=session.pk)
    if session.status != SessionStatus.OPEN:
        raise SessionNotOpen("This consultation is already completed.")
    if session.started_at is not None:
        return session, False
    session.started_at = timezone.now()
    session.save(update_fields=["started_at"])
    return session, True


def complete_session(*, session: ConsultationSession) -> ConsultationSession:
    """Mark a started session completed, once (the row locked and re-read). A step of
    `opd.services.complete_consultation`. Refuses: a session not started or already completed (Conflict)."""
    session = ConsultationSession.objects.select_for_update(of=("self",)).select_related("visit").get(pk=session.pk)
    if session.status != SessionStatus.OPEN:
        raise SessionNotOpen("This session is already completed.")
    if session.started_at is None:
        raise SessionNotStarted("Start the consultation before completing it.")
    session.status = SessionStatus.COMPLETED
    session.completed_at = timezone.now()
    session.save(update_fields=["status", "completed_at"])
    return session


def record_session_view(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """Note who read a consultation session's health data (SPEC §7) and return the session.

    Refuses: another hospital's session (NotFound); anyone but its doctor (PermissionDenied).
    Audit: consultation.view.
    """
    ensure_same_hospital(by, session)
    require(can_view_session(by, session), "Only this session's doctor can open it.")
    with transaction.atomic():
        record_event(
            actor=by,
            action="consultation.view",
            target=session,
            summary=f"Opened session {session.session_number} of visit #{session.visit_id}",
        )
    return session
