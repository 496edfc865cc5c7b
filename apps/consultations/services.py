"""Consultation sessions: opening one with the doctor's next token, starting and completing it, and the
waiting room's queue (SPEC §11): call next, recall, skip, requeue a no-show, priority.

`open_session`, `start_session` and `complete_session` are steps of actions composed above
this app (creating a visit and following one up in `visits`; starting and completing a
consultation in `opd`, which also open the prescription and hand over to the pharmacy): the
action checks who may act and writes the one audit event. `record_session_view` is a
service of its own: who read a session's health data. The queue actions are services of their own too,
each audited; moving a patient to another doctor changes the visit and is composed in `visits`
(`move_session` is its step here).

Queue rules, exactly: "call next" takes the doctor's first waiting token in call order (emergency, then
elderly and pregnant, then the rest; within a rank the earliest `queued_at`). Calls of one doctor are
serialised by the doctor's row lock, so a double click, two tabs or simultaneous API calls each call a
different token, never one twice. A skip sends a called token back behind the next SKIP_BACK_PLACES (2)
waiting tokens in call order (to the end when fewer wait), whatever their priority; the
NO_SHOW_AFTER_SKIPS-th (2nd) skip makes it a no-show: out of the queue until the front desk requeues it
at the back. Starting a token that was never called calls and starts it at once.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations.models import ConsultationSession, ReleasedToken
from apps.consultations.selectors import waiting_in_call_order
from common.constants import NO_SHOW_AFTER_SKIPS, PRIORITY_RANK, SKIP_BACK_PLACES, QueuePriority, SessionStatus
from common.exceptions import (
    AlreadyStarted,
    Invalid,
    NotCalled,
    NotNoShow,
    QueueEmpty,
    SessionNotOpen,
    SessionNotStarted,
)
from common.permissions import (
    can_arrange_queue,
    can_call_patients,
    can_view_session,
    ensure_same_hospital,
    require,
)


def lock_doctor(doctor: User) -> None:
    """Lock the doctor's row until commit. It serialises what must not race for one doctor:
    their token numbers, and each patient's one active visit with them (visits)."""
    User.objects.select_for_update().filter(pk=doctor.pk).values_list("pk").first()


def open_session(*, visit, number: int, by: User) -> ConsultationSession:
    """Open session `number` of `visit` with the doctor's next token of the hospital's day.

    A step: the caller holds the doctor's lock (`lock_doctor`), so the highest token read here
    is the highest there is; the unique (doctor, day, token) constraint stands behind it.
    """
    today = visit.hospital.local_date()
    return ConsultationSession.objects.create(
        hospital_id=visit.hospital_id,
        visit=visit,
        doctor_id=visit.doctor_id,
        session_number=number,
        token_number=next_token(doctor_id=visit.doctor_id, day=today),
        token_date=today,
        created_by=by,
    )


def next_token(*, doctor_id: int, day) -> int:
    """The doctor's next token of `day`, in one query: one past the highest held or released that day
    (a released number is never handed out again). The caller holds the doctor's lock."""

    def highest(model):
        rows = model.objects.filter(doctor_id=OuterRef("pk"), token_date=day).values("doctor_id")
        return Coalesce(Subquery(rows.annotate(m=Max("token_number")).values("m")), Value(0))

    last = User.objects.filter(pk=doctor_id).values_list(
        Greatest(highest(ConsultationSession), highest(ReleasedToken)), flat=True
    )
    return last.get() + 1


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
    now = timezone.now()
    # A token started without a call (or a no-show who turned up) is called and started at once.
    session.called_at = session.called_at or now
    session.no_show_at = None
    session.started_at = session.queue_changed_at = now
    session.save(update_fields=["started_at", "called_at", "no_show_at", "queue_changed_at"])
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
    session.completed_at = session.queue_changed_at = timezone.now()
    session.save(update_fields=["status", "completed_at", "queue_changed_at"])
    return session


def move_session(*, session: ConsultationSession, doctor: User) -> tuple[int, int]:
    """Give a waiting session to another doctor: (old token, new token). A step of `visits.services.move_visit`,
    which checks the rule and holds both doctors' locks (in id order).

    The token rule: the session takes the new doctor's next token of today and joins the back of their
    queue as waiting (not called, no skips); the old token is released: recorded as `ReleasedToken` and
    never handed out again that day, so no other patient answers to it.
    """
    session = _locked(session)
    old_token = session.token_number
    ReleasedToken.objects.create(
        hospital_id=session.hospital_id,
        doctor_id=session.doctor_id,
        token_date=session.token_date,
        token_number=old_token,
        session=session,
    )
    today = session.hospital.local_date()
    now = timezone.now()
    session.doctor = doctor
    session.token_date = today
    session.token_number = next_token(doctor_id=doctor.pk, day=today)
    session.called_at = session.no_show_at = None
    session.recall_count = session.skip_count = 0
    session.queue_rank = PRIORITY_RANK[session.priority]
    session.queued_at = session.queue_changed_at = now
    session.save(
        update_fields=[
            "doctor",
            "token_date",
            "token_number",
            "called_at",
            "no_show_at",
            "recall_count",
            "skip_count",
            "queue_rank",
            "queued_at",
            "queue_changed_at",
        ]
    )
    return old_token, session.token_number


# The queue ------------------------------------------------------------------------------------------------


def _locked(session: ConsultationSession) -> ConsultationSession:
    return ConsultationSession.objects.select_for_update(of=("self",)).select_related("hospital").get(pk=session.pk)


def _token(session: ConsultationSession) -> str:
    return f"token {session.token_number} (session {session.session_number} of visit #{session.visit_id})"


def call_next(*, by: User) -> ConsultationSession:
    """The doctor calls the first waiting token of their queue (priority first, then the longest queued).

    Race-safe: the doctor's row lock serialises every call of theirs, so simultaneous calls each get a
    different token. Refuses: anyone but a doctor (PermissionDenied); nobody waiting (QueueEmpty).
    Audit: queue.call.
    """
    require(can_call_patients(by), "Only a doctor calls patients from their queue.")
    with transaction.atomic():
        lock_doctor(by)
        session = (
            waiting_in_call_order(hospital_id=by.hospital_id, doctor_id=by.pk).select_for_update(of=("self",)).first()
        )
        if session is None:
            raise QueueEmpty("Nobody is waiting for you.")
        session.called_at = session.queue_changed_at = timezone.now()
        session.save(update_fields=["called_at", "queue_changed_at"])
        record_event(
            actor=by,
            action="queue.call",
            target=session,
            summary=f"Called {_token(session)}",
            changes={"token_number": session.token_number, "state": ["waiting", "called"]},
        )
        return session


def recall_patient(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """Call a called token again (the display shows it anew and chimes). Refuses: another hospital's session
    (NotFound); anyone but its doctor (PermissionDenied); a token not being called (NotCalled).
    Audit: queue.recall."""
    ensure_same_hospital(by, session)
    require(can_call_patients(by, session), "Only this session's doctor can call it.")
    with transaction.atomic():
        session = _locked(session)
        if session.queue_state != "called":
            raise NotCalled("Only a token being called can be called again.")
        session.recall_count += 1
        session.called_at = session.queue_changed_at = timezone.now()
        session.save(update_fields=["recall_count", "called_at", "queue_changed_at"])
        record_event(
            actor=by,
            action="queue.recall",
            target=session,
            summary=f"Called {_token(session)} again",
            changes={"token_number": session.token_number, "recall_count": session.recall_count},
        )
        return session


def skip_patient(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """The called patient did not come: back behind the next two waiting tokens in call order;
    the second skip makes them a no-show (out of the queue until the front desk requeues them).

    Refuses: another hospital's session (NotFound); anyone but its doctor (PermissionDenied); a token not
    being called (NotCalled). Audit: queue.skip.
    """
    ensure_same_hospital(by, session)
    require(can_call_patients(by, session), "Only this session's doctor can skip it.")
    with transaction.atomic():
        lock_doctor(by)  # the places it goes back are counted in a queue nobody else reorders meanwhile
        session = _locked(session)
        if session.queue_state != "called":
            raise NotCalled("Only a token being called can be skipped.")
        now = timezone.now()
        session.skip_count += 1
        session.called_at = None
        session.queue_changed_at = now
        if session.skip_count >= NO_SHOW_AFTER_SKIPS:
            session.no_show_at = now
        else:
            # Behind the next SKIP_BACK_PLACES waiting tokens in call order: it takes the rank and (a
            # microsecond after) the queue time of the last of them. It keeps its priority's badge.
            ahead = list(
                waiting_in_call_order(hospital_id=session.hospital_id, doctor_id=session.doctor_id)
                .exclude(pk=session.pk)
                .values_list("queue_rank", "queued_at")[:SKIP_BACK_PLACES]
            )
            if ahead:
                session.queue_rank, queued_at = ahead[-1]
                session.queued_at = queued_at + timedelta(microseconds=1)
        session.save(
            update_fields=["skip_count", "called_at", "no_show_at", "queue_rank", "queued_at", "queue_changed_at"]
        )
        record_event(
            actor=by,
            action="queue.skip",
            target=session,
            summary=f"Skipped {_token(session)}" + (": no-show" if session.no_show_at else ""),
            changes={
                "token_number": session.token_number,
                "skip_count": session.skip_count,
                "state": ["called", session.queue_state],
            },
        )
        return session


def requeue_no_show(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """The front desk puts a no-show who turned up back at the end of the doctor's queue, with no skips.
    Refuses: another hospital's session (NotFound); anyone but the front desk (PermissionDenied); a token
    that is not a no-show (NotNoShow). Audit: queue.requeue."""
    ensure_same_hospital(by, session)
    require(can_arrange_queue(by), "Only the front desk requeues a patient.")
    with transaction.atomic():
        session = _locked(session)
        if session.queue_state != "no_show":
            raise NotNoShow("Only a no-show (skipped twice) can be put back in the queue.")
        now = timezone.now()
        session.no_show_at = session.called_at = None
        session.skip_count = 0
        session.queue_rank = PRIORITY_RANK[session.priority]
        session.queued_at = session.queue_changed_at = now
        session.save(
            update_fields=["no_show_at", "called_at", "skip_count", "queue_rank", "queued_at", "queue_changed_at"]
        )
        record_event(
            actor=by,
            action="queue.requeue",
            target=session,
            summary=f"Put {_token(session)} back in the queue",
            changes={"token_number": session.token_number, "state": ["no_show", "waiting"]},
        )
        return session


def set_queue_priority(*, by: User, session: ConsultationSession, priority: str) -> ConsultationSession:
    """The front desk marks a token elderly, emergency or pregnant (or none): it is called before others.

    Refuses: another hospital's session (NotFound); anyone but the front desk (PermissionDenied); an
    unknown priority (Invalid on `priority`); a consultation already started (AlreadyStarted) or completed
    (SessionNotOpen). Audit: queue.priority (which priority is withheld: pregnancy is health data).
    """
    ensure_same_hospital(by, session)
    require(can_arrange_queue(by), "Only the front desk marks priority.")
    if priority not in QueuePriority.values:
        raise Invalid.on_field("priority", f"Choose one of: {', '.join(QueuePriority.values)}.")
    with transaction.atomic():
        session = _locked(session)
        if session.status != SessionStatus.OPEN:
            raise SessionNotOpen("This consultation is already completed.")
        if session.started_at is not None:
            raise AlreadyStarted("The consultation has started: priority no longer applies.")
        before = session.priority
        if before == priority:
            return session
        session.priority = priority
        session.queue_rank = PRIORITY_RANK[priority]
        session.queue_changed_at = timezone.now()
        session.save(update_fields=["priority", "queue_rank", "queue_changed_at"])
        record_event(
            actor=by,
            action="queue.priority",
            target=session,
            summary=f"Changed the priority of {_token(session)}",
            changes={"token_number": session.token_number, "priority": [before, priority]},
        )
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
