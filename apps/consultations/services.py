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

from __future__ import annotations

import datetime
import unicodedata
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations.defaults import DEFAULT_PICK_LISTS
from apps.consultations.models import (
    ADVICE_LIMIT,
    DURATION_LIMIT,
    FOLLOW_UP_DAYS_MAX,
    LINE_LIMIT,
    TEXT_LIMIT,
    Complaint,
    ConsultationRecord,
    ConsultationSession,
    Diagnosis,
    DiagnosisCertainty,
    DiagnosisKind,
    IcdSynonym,
    Investigation,
    PickListEntry,
    PickListKind,
)
from apps.hospitals.models import Hospital
from common import icd10
from common.constants import SessionStatus
from common.exceptions import Invalid, SessionNotOpen, SessionNotStarted
from common.permissions import (
    can_manage_pick_lists,
    can_view_session,
    can_write_record,
    ensure_same_hospital,
    require,
)
from common.validation import clean_text

if TYPE_CHECKING:
    from apps.visits.models import Visit
from apps.consultations.models import ReleasedToken
from apps.consultations.selectors import waiting_in_call_order
from common.constants import NO_SHOW_AFTER_SKIPS, PRIORITY_RANK, SKIP_BACK_PLACES, QueuePriority
from common.exceptions import (
    AlreadyStarted,
    NotCalled,
    NotNoShow,
    QueueEmpty,
)
from common.permissions import (
    can_arrange_queue,
    can_call_patients,
)


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
    return ConsultationSession.objects.create(
        hospital_id=visit.hospital_id,
        visit=visit,
        doctor_id=visit.doctor_id,
        session_number=number,
        token_number=next_token(doctor_id=visit.doctor_id, day=today),
        token_date=today,
        created_by=by,
    )


def next_token(*, doctor_id: int, day: datetime.date) -> int:
    """The doctor's next token of `day`, in one query: one past the highest held or released that day
    (a released number is never handed out again). The caller holds the doctor's lock."""

    def highest(model: Any) -> Coalesce:
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
    session.queue_rank = PRIORITY_RANK[QueuePriority(session.priority)]
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
            waiting_in_call_order(hospital_id=by.staff_hospital_id, doctor_id=by.pk)
            .select_for_update(of=("self",))
            .first()
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
        session.queue_rank = PRIORITY_RANK[QueuePriority(session.priority)]
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
        session.queue_rank = PRIORITY_RANK[QueuePriority(priority)]
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


# The consultation record (SPEC §9) ---------------------------------------------------------------

RECORD_TEXT_FIELDS = ("history", "examination", "advice")
RECORD_LIST_FIELDS = ("complaints", "diagnoses", "investigations")
RECORD_FIELDS = (*RECORD_TEXT_FIELDS, *RECORD_LIST_FIELDS, "follow_up_date", "follow_up_days")
MAX_LINES = {"complaints": 20, "diagnoses": 10, "investigations": 30}
_TEXT_LIMITS = {"history": TEXT_LIMIT, "examination": TEXT_LIMIT, "advice": ADVICE_LIMIT}


def _invisible_only(text: str) -> bool:
    """Text of nothing but white space, zero-width and control characters: it looks empty, and is refused."""
    return bool(text) and all(ch.isspace() or unicodedata.category(ch) in {"Cf", "Cc", "Zs"} for ch in text)


def _clean_notes(field: str, value: object) -> str:
    """Free text keeps its lines; trailing space goes, and text of nothing but white space is empty."""
    if not isinstance(value, str):
        raise Invalid.on_field(field, "Write this as text.")
    if _invisible_only(value.strip()):
        raise Invalid.on_field(field, "This holds only invisible characters: write some text or leave it empty.")
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip()
    if len(text) > _TEXT_LIMITS[field]:
        raise Invalid.on_field(field, f"Keep this to {_TEXT_LIMITS[field]} characters (it has {len(text)}).")
    return text


def _line(field: str, n: int, value: object, *, limit: int = LINE_LIMIT, required: bool = True) -> str:
    text = clean_text(value if isinstance(value, str) else "")
    if (required and not text) or _invisible_only(text):
        raise Invalid.on_field(field, f"Line {n}: write some text.")
    if len(text) > limit:
        raise Invalid.on_field(field, f"Line {n}: keep this to {limit} characters (it has {len(text)}).")
    return text


def _lines(field: str, value: object) -> list[dict]:
    if not isinstance(value, list | tuple):
        raise Invalid.on_field(field, "Send a list.")
    if len(value) > MAX_LINES[field]:
        raise Invalid.on_field(field, f"At most {MAX_LINES[field]} lines.")
    lines = []
    for n, raw in enumerate(value, start=1):
        raw = raw if isinstance(raw, dict) else {"text": raw}
        if field == "complaints":
            lines.append(
                {
                    "text": _line(field, n, raw.get("text")),
                    "duration": _line(field, n, raw.get("duration") or "", limit=DURATION_LIMIT, required=False),
                }
            )
        elif field == "investigations":
            lines.append({"text": _line(field, n, raw.get("text"))})
        else:
            lines.append(_diagnosis(n, raw))
    return lines


def _diagnosis(n: int, raw: dict) -> dict:
    code = clean_text(raw.get("icd_code") or "")
    text = _line("diagnoses", n, raw.get("text") or "", required=False)
    if code:
        entry = icd10.lookup(code)
        if entry is None:
            raise Invalid.on_field("diagnoses", f"Line {n}: {code} is not an ICD-10 code.")
        code, text = entry.code, text or entry.title[:LINE_LIMIT]
    elif not text:
        raise Invalid.on_field("diagnoses", f"Line {n}: pick an ICD-10 code or write the diagnosis.")
    kind = raw.get("kind") or DiagnosisKind.PRIMARY
    certainty = raw.get("certainty") or DiagnosisCertainty.PROVISIONAL
    if kind not in DiagnosisKind.values:
        raise Invalid.on_field("diagnoses", f"Line {n}: kind is primary or secondary.")
    if certainty not in DiagnosisCertainty.values:
        raise Invalid.on_field("diagnoses", f"Line {n}: certainty is provisional or confirmed.")
    return {"icd_code": code, "text": text, "kind": kind, "certainty": certainty}


def _follow_up(changes: dict, *, today: datetime.date) -> dict:
    """A date or a number of days, never both: setting one clears the other."""
    date, days = changes.get("follow_up_date"), changes.get("follow_up_days")
    if date is not None and days is not None:
        raise Invalid.on_field("follow_up_date", "Give a follow-up date or a number of days, not both.")
    if date is not None:
        if not isinstance(date, datetime.date):
            raise Invalid.on_field("follow_up_date", "Give the date as YYYY-MM-DD.")
        if date <= today:
            raise Invalid.on_field("follow_up_date", "The follow-up date must be after today.")
        return {"follow_up_date": date, "follow_up_days": None}
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= FOLLOW_UP_DAYS_MAX:
            raise Invalid.on_field("follow_up_days", f"Review after 1 to {FOLLOW_UP_DAYS_MAX} days.")
        return {"follow_up_date": None, "follow_up_days": days}
    # Both given as null (or one as null): the follow-up is cleared.
    return {"follow_up_date": None, "follow_up_days": None}


def _validated_record_changes(changes: dict, *, today: datetime.date) -> dict:
    unknown = sorted(set(changes) - set(RECORD_FIELDS))
    if unknown:
        raise Invalid(f"Unknown field(s): {', '.join(unknown)}.", errors={f: ["Unknown field."] for f in unknown})
    clean: dict = {}
    for field in RECORD_TEXT_FIELDS:
        if field in changes:
            clean[field] = _clean_notes(field, changes[field] if changes[field] is not None else "")
    for field in RECORD_LIST_FIELDS:
        if field in changes:
            clean[field] = _lines(field, changes[field] if changes[field] is not None else [])
    if "follow_up_date" in changes or "follow_up_days" in changes:
        clean |= _follow_up(changes, today=today)
    return clean


# Any: the three concrete line models share RecordLine, an abstract model mypy will not instantiate.
_LINE_MODELS: dict[str, Any] = {
    "complaints": Complaint,
    "diagnoses": Diagnosis,
    "investigations": Investigation,
}
_LINE_FIELDS = {"complaints": ("text", "duration"), "diagnoses": ("icd_code", "text", "kind", "certainty")}


def _current_lines(record: ConsultationRecord, field: str) -> list[dict]:
    names = _LINE_FIELDS.get(field, ("text",))
    return list(getattr(record, field).order_by("position").values(*names))


def update_consultation_record(*, by: User, session: ConsultationSession, **changes: Any) -> ConsultationRecord:
    """Write parts of a session's record (PATCH-like: the fields given, each replaced whole).

    Fields: history, examination, advice (free text); complaints [{text, duration}], diagnoses
    [{icd_code | text, kind, certainty}], investigations [{text}] (lists, replaced whole);
    follow_up_date or follow_up_days (setting one clears the other). The record is made by its
    first write. Saving what is already there changes nothing and records nothing.

    Refuses: another hospital's session (NotFound); anyone but its doctor (PermissionDenied);
    unknown fields, over-long text, too many lines, a code ICD-10 does not have, a follow-up
    date not after today, a date and days together (Invalid); a session not started or already
    completed (Conflict). Audit: consultation.record_update, naming the fields changed, never
    their values.
    """
    ensure_same_hospital(by, session)
    require(can_write_record(by, session), "Only this session's doctor can write its record.")
    clean = _validated_record_changes(changes, today=session.hospital.local_date())
    with transaction.atomic():
        session = ConsultationSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.status != SessionStatus.OPEN:
            raise SessionNotOpen("This session is completed; its record can no longer change.")
        if session.started_at is None:
            raise SessionNotStarted("Start the consultation before writing its record.")
        # The session's row lock serialises every write to its record, so this get_or_create sees them all.
        record, created = ConsultationRecord.objects.get_or_create(
            session=session, defaults={"hospital_id": session.hospital_id}
        )
        changed = []
        for field, value in clean.items():
            if field in RECORD_LIST_FIELDS:
                if _current_lines(record, field) == value:
                    continue
                model = _LINE_MODELS[field]
                model.objects.filter(hospital_id=record.hospital_id, record=record).delete()
                model.objects.bulk_create(
                    model(hospital_id=record.hospital_id, record=record, position=n, **line)
                    for n, line in enumerate(value, start=1)
                )
            elif getattr(record, field) == value:
                continue
            else:
                setattr(record, field, value)
            changed.append(field)
        if not changed and not created:
            return record
        record.save(update_fields=[f for f in changed if f not in RECORD_LIST_FIELDS] + ["updated_at"])
        record_event(
            actor=by,
            action="consultation.record_update",
            target=record,
            summary=f"Wrote the record of session {session.session_number} of visit #{session.visit_id}",
            changes={"session": session.pk, "fields": sorted(changed)} | ({"record_created": True} if created else {}),
        )
        return record


# The hospital's pick lists and ICD-10 shorthand (the hospital admin's) -------------------------


def add_pick_list_entry(*, by: User, kind: str, text: str) -> PickListEntry:
    """Add a line to one of the hospital's lists (complaints, investigations, advice lines).

    A list the hospital has never edited shows the shipped defaults; the first addition copies them in,
    so that the hospital's list is the defaults plus its line. Re-adding a retired line brings it back.
    Refuses: anyone but the hospital admin (PermissionDenied); an unknown kind, empty or over-long
    text, a line already on the list (Invalid). Audit: picklist.create.
    """
    require(can_manage_pick_lists(by), "Only the hospital admin edits these lists.")
    if kind not in PickListKind.values:
        raise Invalid.on_field("kind", "Choose complaint, investigation or advice.")
    text = clean_text(text if isinstance(text, str) else "")
    if not text or len(text) > LINE_LIMIT:
        raise Invalid.on_field("text", f"Write the line, at most {LINE_LIMIT} characters.")
    hospital = by.staff_hospital
    with transaction.atomic():
        Hospital.objects.select_for_update().filter(pk=hospital.pk).values_list("pk").first()
        entries = PickListEntry.objects.filter(hospital=hospital, kind=kind)
        copied = 0
        if not entries.exists():
            defaults = [line for line in DEFAULT_PICK_LISTS[kind] if line.casefold() != text.casefold()]
            PickListEntry.objects.bulk_create(PickListEntry(hospital=hospital, kind=kind, text=t) for t in defaults)
            copied = len(defaults)
        existing = entries.filter(text__iexact=text).first()
        if existing is not None and existing.is_active:
            raise Invalid.on_field("text", f"{existing.text} is already on the list.")
        if existing is not None:
            existing.is_active = True
            existing.save(update_fields=["is_active"])
            entry = existing
        else:
            entry = PickListEntry.objects.create(hospital=hospital, kind=kind, text=text)
        record_event(
            actor=by,
            action="picklist.create",
            target=entry,
            summary=f"Added a line to the {kind} list",
            changes={"list": kind} | ({"defaults_copied": copied} if copied else {}),
        )
        return entry


def set_pick_list_entry_status(*, by: User, entry: PickListEntry, is_active: bool) -> PickListEntry:
    """Retire a line from a list (or bring it back); records stay as they were written.

    Refuses: another hospital's line (NotFound); anyone but the hospital admin (PermissionDenied).
    Setting the status it has changes nothing. Audit: picklist.update.
    """
    ensure_same_hospital(by, entry)
    require(can_manage_pick_lists(by), "Only the hospital admin edits these lists.")
    with transaction.atomic():
        entry = PickListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.is_active == is_active:
            return entry
        entry.is_active = is_active
        entry.save(update_fields=["is_active"])
        record_event(
            actor=by,
            action="picklist.update",
            target=entry,
            summary=f"{'Restored' if is_active else 'Retired'} a line of the {entry.kind} list",
            changes={"is_active": [not is_active, is_active]},
        )
        return entry


def add_icd_synonym(*, by: User, term: str, icd_code: str) -> IcdSynonym:
    """The hospital's own shorthand for an ICD-10 code ("HTN2" → I15.9), searched before the shipped table.

    Re-adding a retired term points it at the new code and brings it back.
    Refuses: anyone but the hospital admin (PermissionDenied); an empty or over-long term, a code
    ICD-10 does not have, a term the hospital already uses (Invalid). Audit: icd_synonym.create.
    """
    require(can_manage_pick_lists(by), "Only the hospital admin edits the ICD-10 shorthand.")
    key = icd10.normalise_term(term)
    if not key:
        raise Invalid.on_field("term", "Write the shorthand.")
    if len(key) > (IcdSynonym._meta.get_field("term").max_length or 0):
        raise Invalid.on_field("term", "Keep the shorthand to 60 characters.")
    entry = icd10.lookup(icd_code)
    if entry is None:
        raise Invalid.on_field("icd_code", f"{clean_text(icd_code)[:10] or 'That'} is not an ICD-10 code.")
    with transaction.atomic():
        synonym = IcdSynonym.objects.select_for_update().filter(hospital=by.staff_hospital, term=key).first()
        if synonym is not None and synonym.is_active:
            raise Invalid.on_field("term", f"{key} already means {synonym.icd_code} here.")
        if synonym is None:
            synonym = IcdSynonym.objects.create(hospital=by.staff_hospital, term=key, icd_code=entry.code)
        else:
            synonym.icd_code, synonym.is_active = entry.code, True
            synonym.save(update_fields=["icd_code", "is_active"])
        record_event(
            actor=by,
            action="icd_synonym.create",
            target=synonym,
            summary=f"Added ICD-10 shorthand #{synonym.pk}",
            changes={"term": key, "icd_code": entry.code},
        )
        return synonym


def set_icd_synonym_status(*, by: User, synonym: IcdSynonym, is_active: bool) -> IcdSynonym:
    """Retire the hospital's shorthand (or bring it back). Setting the status it has changes nothing.

    Refuses: another hospital's (NotFound); anyone but the hospital admin (PermissionDenied).
    Audit: icd_synonym.update.
    """
    ensure_same_hospital(by, synonym)
    require(can_manage_pick_lists(by), "Only the hospital admin edits the ICD-10 shorthand.")
    with transaction.atomic():
        synonym = IcdSynonym.objects.select_for_update().get(pk=synonym.pk)
        if synonym.is_active == is_active:
            return synonym
        synonym.is_active = is_active
        synonym.save(update_fields=["is_active"])
        record_event(
            actor=by,
            action="icd_synonym.update",
            target=synonym,
            summary=f"{'Restored' if is_active else 'Retired'} the ICD-10 shorthand {synonym.term}",
            changes={"is_active": [not is_active, is_active]},
        )
        return synonym
