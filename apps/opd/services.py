"""The doctor's two actions that span apps: starting a consultation opens the visit's
prescription; completing it hands what is active over to the pharmacy.

They live above consultations, prescriptions and pharmacy (docs/architecture.md): each
checks who may act, runs the steps of the apps below in one transaction and writes the
one audit event that names what the steps made.
"""

from datetime import datetime
from typing import cast

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations import services as sessions
from apps.consultations.models import ConsultationSession
from apps.pharmacy.services import get_or_create_dispense_record
from apps.prescriptions.selectors import items_active_at_end_of
from apps.prescriptions.services import ensure_prescription
from common.constants import SessionStatus
from common.exceptions import RegistrationMissing
from common.permissions import can_complete_session, can_start_session, ensure_same_hospital, require


def start_consultation(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """The doctor starts a waiting session of their queue: the patient is "in consultation".

    Creates the visit's prescription if it has none (safe under two simultaneous starts).
    Starting a session already started changes nothing and records nothing (a double click).
    Refuses: another hospital's session (NotFound); anyone but its doctor (PermissionDenied);
    a completed session (Conflict). Audit: session.start, naming the prescription it created.
    """
    ensure_same_hospital(by, session)
    require(can_start_session(by, session), "Only this session's doctor can start it.")
    with transaction.atomic():
        session, started = sessions.start_session(session=session)
        if not started:
            return session
        prescription, created = ensure_prescription(visit=session.visit)
        record_event(
            actor=by,
            action="session.start",
            target=session,
            summary=f"Started session {session.session_number} of visit #{session.visit_id}",
            changes={"started_at": cast(datetime, session.started_at).isoformat()}  # set by start_session
            | ({"prescription_created": prescription.pk} if created else {}),
        )
        return session


def complete_consultation(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """The doctor completes the session, once; the pharmacy then sees what is active.

    Creates the dispense record when at least one item is active. Refuses: another
    hospital's session (NotFound); anyone but its doctor (PermissionDenied); a session
    already completed (Conflict); a prescription with active items from a doctor without a
    registration number, which an Indian prescription must carry (RegistrationMissing: the
    hospital admin adds it). Audit: session.complete, naming the dispense record made.
    """
    ensure_same_hospital(by, session)
    require(can_complete_session(by, session), "Only this session's doctor can complete it.")
    with transaction.atomic():
        if not by.registration_number.strip() and items_active_at_end_of(session=session).exists():
            raise RegistrationMissing(
                "Your registration number is not on your profile, and a prescription must carry it. "
                "Ask your hospital admin to add it on the Staff page, then complete the consultation."
            )
        session = sessions.complete_session(session=session)
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
