import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations.models import ConsultationSession
from apps.consultations.selectors import has_open_session, open_session_of_visit
from apps.consultations.services import lock_doctor, move_session, open_session
from apps.patients.models import Patient
from apps.visits import models as bounds
from apps.visits.models import PatientVitals, Visit
from common.constants import Role, SessionStatus
from common.exceptions import (
    AlreadyStarted,
    DuplicateActiveVisit,
    Invalid,
    SessionStillOpen,
    VisitClosed,
    VisitExpired,
)
from common.permissions import (
    can_arrange_queue,
    can_close_visit,
    can_create_visit,
    can_start_follow_up,
    ensure_same_hospital,
    require,
)

VITALS_FIELDS = ("height_cm", "weight_kg", "blood_pressure", "pulse_rate", "temperature_c")
BP_FORMAT = "Enter blood pressure as SYS/DIA, e.g. 120/80."


def _duplicate_visit(existing_visit: Visit) -> DuplicateActiveVisit:
    return DuplicateActiveVisit(
        f"{existing_visit.patient.mrn} already has an active visit with {existing_visit.doctor.display_name} "
        f"(visit #{existing_visit.pk}, valid until {existing_visit.validity_end_date():%d %b %Y}). "
        "Start a follow-up on that visit instead.",
        existing_visit=existing_visit,
    )


def _in_range(field: str, value: Decimal | int, low: Any, high: Any, unit: str) -> None:
    if not low <= value <= high:
        raise Invalid.on_field(field, f"Enter a value from {low} to {high} {unit}.")


def parse_blood_pressure(text: str | None) -> tuple[int, int] | None:
    """ "120/80" → (120, 80); "" → None. Refuses malformed or out-of-range readings (Invalid)."""
    text = (text or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,3})\s*/\s*(\d{1,3})", text)
    if not match:
        raise Invalid.on_field("blood_pressure", BP_FORMAT)
    systolic, diastolic = int(match.group(1)), int(match.group(2))
    if not bounds.SYSTOLIC[0] <= systolic <= bounds.SYSTOLIC[1]:
        raise Invalid.on_field(
            "blood_pressure", f"Systolic pressure must be from {bounds.SYSTOLIC[0]} to {bounds.SYSTOLIC[1]} mmHg."
        )
    if not bounds.DIASTOLIC[0] <= diastolic <= bounds.DIASTOLIC[1]:
        raise Invalid.on_field(
            "blood_pressure", f"Diastolic pressure must be from {bounds.DIASTOLIC[0]} to {bounds.DIASTOLIC[1]} mmHg."
        )
    if diastolic >= systolic:
        raise Invalid.on_field("blood_pressure", "Diastolic pressure must be lower than systolic.")
    return systolic, diastolic


def _number(field: str, value: object, *, integer: bool) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise Invalid.on_field(field, "Enter a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid.on_field(field, "Enter a number.") from None
    if not number.is_finite():
        raise Invalid.on_field(field, "Enter a number.")
    if integer:
        if number != number.to_integral_value():
            raise Invalid.on_field(field, "Enter a whole number.")
        return int(number)
    try:
        return number.quantize(Decimal("0.1"))
    except InvalidOperation:  # far too many digits to be a measurement, e.g. "1e400"
        raise Invalid.on_field(field, "Enter a number.") from None


def build_vitals(vitals: dict | None) -> PatientVitals:
    """Validate every vitals field at once; all are optional. Returns an unsaved PatientVitals."""
    vitals = dict(vitals or {})
    unknown = set(vitals) - set(VITALS_FIELDS) - {"bmi"}
    if unknown:
        raise Invalid(errors={field: ["Unknown vitals field."] for field in sorted(unknown)})
    record = PatientVitals()
    errors: dict[str, list[str]] = {}
    checks = [
        ("height_cm", False, bounds.HEIGHT_CM, "cm"),
        ("weight_kg", False, bounds.WEIGHT_KG, "kg"),
        ("pulse_rate", True, bounds.PULSE, "beats per minute"),
        ("temperature_c", False, bounds.TEMPERATURE_C, "°C"),
    ]
    for field, integer, (low, high), unit in checks:
        try:
            value = _number(field, vitals.get(field), integer=integer)
            if value is not None:
                _in_range(field, value, low, high, unit)
            setattr(record, field, value)
        except Invalid as error:
            errors |= error.errors
    try:
        pressure = parse_blood_pressure(vitals.get("blood_pressure"))
        record.bp_systolic, record.bp_diastolic = pressure or (None, None)
    except Invalid as error:
        errors |= error.errors
    if errors:
        first = next(iter(errors.values()))[0]
        raise Invalid(first if len(errors) == 1 else None, errors=errors)
    return record


def _active_visit_with(patient: Patient, doctor: User, today: date) -> Visit | None:
    candidates = Visit.objects.filter(
        hospital_id=patient.hospital_id, patient=patient, doctor=doctor, is_active=True
    ).select_related("patient", "doctor", "hospital")
    return next((visit for visit in candidates if not visit.is_expired(today)), None)


def create_visit_with_vitals(
    *, by: User, patient: Patient, doctor: User, validity_days: int | None = None, vitals: dict | None = None
) -> Visit:
    """Open a visit for a patient with an active doctor of the same hospital, record vitals, open session 1.

    Refuses: another role (PermissionDenied); a patient or doctor of another
    hospital (NotFound); a doctor who is inactive or not a doctor, validity outside
    1–365 days, vitals out of range (Invalid, every vitals field reported at once);
    a second active, unexpired visit of the patient with the same doctor
    (DuplicateActiveVisit, naming the existing visit). The doctor's row is locked
    so two clicks cannot both pass that check. Returns the visit, with the session it
    opened as `visit.opened_session`. Audit: visit.create.
    """
    require(can_create_visit(by))
    ensure_same_hospital(by, patient)
    ensure_same_hospital(by, doctor)
    if doctor.role != Role.DOCTOR or not doctor.is_active:
        raise Invalid.on_field("doctor", "Choose an active doctor of this hospital.")
    hospital = by.staff_hospital  # the patient's and the doctor's too, as checked above
    if validity_days in (None, ""):
        validity_days = hospital.default_visit_validity_days
    validity_days = _number("validity_days", validity_days, integer=True)
    if validity_days is None or not 1 <= validity_days <= 365:
        raise Invalid.on_field("validity_days", "Enter a validity from 1 to 365 days.")
    vitals_record = build_vitals(vitals)
    with transaction.atomic():
        lock_doctor(doctor)
        today = hospital.local_date()
        existing = _active_visit_with(patient, doctor, today)
        if existing:
            raise _duplicate_visit(existing)
        visit = Visit.objects.create(
            hospital=hospital,
            patient=patient,
            doctor=doctor,
            validity_days=validity_days,
            visit_date=today,
            created_by=by,
        )
        vitals_record.visit = visit
        vitals_record.hospital_id = visit.hospital_id
        vitals_record.save()
        session = open_session(visit=visit, number=1, by=by)
        visit.opened_session = session
        record_event(
            actor=by,
            action="visit.create",
            target=visit,
            summary=f"Visit #{visit.pk} for {patient.mrn} with {doctor.username}, token {session.token_number}",
            changes={
                "patient": patient.mrn,
                "doctor": doctor.username,
                "validity_days": validity_days,
                "token_number": session.token_number,
                "vitals": {
                    field: str(getattr(vitals_record, field))
                    for field in VITALS_FIELDS
                    if getattr(vitals_record, field)
                },
            },
        )
        return visit


def start_follow_up(*, by: User, visit: Visit) -> ConsultationSession:
    """Open the next session of an active, unexpired visit that has no open session.

    Refuses: another hospital's visit (NotFound); another role (PermissionDenied); a
    closed or expired visit, or one with a session still open (Conflict). The
    visit's row is locked, and one open session per visit is also a database
    constraint. Audit: visit.follow_up.
    """
    ensure_same_hospital(by, visit)
    require(can_start_follow_up(by))
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("hospital", "doctor", "patient")
            .get(pk=visit.pk)
        )
        if not visit.is_active:
            raise VisitClosed("This visit is closed; create a new visit.")
        if visit.is_expired():
            raise VisitExpired(f"This visit expired on {visit.validity_end_date():%d %b %Y}; create a new visit.")
        sessions = visit.sessions.all()
        still_open = next((s for s in sessions if s.status == SessionStatus.OPEN), None)
        if still_open:
            raise SessionStillOpen(f"Session {still_open.session_number} of this visit is still open.")
        number = max((s.session_number for s in sessions), default=0) + 1
        lock_doctor(visit.doctor)
        session = open_session(visit=visit, number=number, by=by)
        record_event(
            actor=by,
            action="visit.follow_up",
            target=session,
            summary=f"Follow-up session {number} of visit #{visit.pk}, token {session.token_number}",
            changes={"visit": visit.pk, "session_number": number, "token_number": session.token_number},
        )
        return session


def close_visit(*, by: User, visit: Visit) -> Visit:
    """Close a visit: no more follow-ups on it.

    Refuses: another hospital's visit (NotFound); a role other than the front desk
    or the visit's own doctor (PermissionDenied); a visit already closed or with a
    session still open (Conflict). Audit: visit.close.
    """
    ensure_same_hospital(by, visit)
    require(can_close_visit(by, visit))
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if not visit.is_active:
            raise VisitClosed("This visit is already closed.")
        if has_open_session(visit=visit):
            raise SessionStillOpen("This visit has a session still open; the doctor must complete it first.")
        visit.is_active = False
        visit.closed_at = timezone.now()
        visit.closed_by = by
        visit.save(update_fields=["is_active", "closed_at", "closed_by"])
        record_event(
            actor=by,
            action="visit.close",
            target=visit,
            summary=f"Closed visit #{visit.pk}",
            changes={"is_active": [True, False]},
        )
        return visit


def move_visit(*, by: User, visit: Visit, doctor: User) -> ConsultationSession:
    """The front desk moves a waiting patient to another active doctor: the visit and its open session
    go to that doctor, whose queue the patient joins at the back.

    The token rule: a new token in the new doctor's day; the old one is released and never handed out
    again that day (`consultations.services.move_session`). Both doctors' rows are locked, in id order,
    so the move neither races a registration or a "call next" of either doctor nor deadlocks with them.
    Refuses: another hospital's visit or doctor (NotFound); anyone but the front desk (PermissionDenied);
    a doctor who is inactive, not a doctor or the same doctor (Invalid on `doctor`); a closed visit
    (VisitClosed); no open session (NoOpenSession); a consultation already started (AlreadyStarted); an
    active visit of the patient with the new doctor already (DuplicateActiveVisit). Audit: visit.move.
    """
    ensure_same_hospital(by, visit)
    require(can_arrange_queue(by), "Only the front desk moves a patient to another doctor.")
    ensure_same_hospital(by, doctor)
    if doctor.role != Role.DOCTOR or not doctor.is_active:
        raise Invalid.on_field("doctor", "Choose an active doctor of this hospital.")
    if doctor.pk == visit.doctor_id:
        raise Invalid.on_field("doctor", "The patient is already with this doctor.")
    with transaction.atomic():
        for pk in sorted((visit.doctor_id, doctor.pk)):
            lock_doctor(User(pk=pk))
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("hospital", "doctor", "patient")
            .get(pk=visit.pk)
        )
        if not visit.is_active:
            raise VisitClosed("This visit is closed; create a new visit.")
        session = open_session_of_visit(visit=visit)
        if session.started_at is not None:
            raise AlreadyStarted("The consultation has started: the patient can no longer be moved.")
        existing = _active_visit_with(visit.patient, doctor, visit.hospital.local_date())
        if existing:
            raise _duplicate_visit(existing)
        old_doctor = visit.doctor
        old_token, new_token = move_session(session=session, doctor=doctor)
        visit.doctor = doctor
        visit.save(update_fields=["doctor"])
        session.refresh_from_db()
        record_event(
            actor=by,
            action="visit.move",
            target=visit,
            summary=f"Moved visit #{visit.pk} from {old_doctor.username} to {doctor.username}, token {new_token}",
            changes={
                "doctor": [old_doctor.username, doctor.username],
                "token_number": [old_token, new_token],
                "session": session.pk,
            },
        )
        return session
