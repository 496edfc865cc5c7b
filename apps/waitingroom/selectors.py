"""Reads of the waiting room: the admin's list of display keys, and what a display shows.

A display polls `display_version` (two queries: its key, then one aggregate over the day's sessions) and
asks for `display_board` only when the version changed, so an idle screen costs almost nothing.
"""

import hashlib
from collections import defaultdict
from datetime import date

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.consultations.models import ConsultationSession
from apps.hospitals.models import Hospital
from apps.waitingroom.models import DisplayKey, DisplaySettings
from common.constants import Role, SessionStatus
from common.exceptions import NotFound

# How many tokens a display lists per doctor besides the one being called now.
RECENT = 3
NEXT = 3


def hash_display_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def display_list(*, hospital: Hospital) -> QuerySet[DisplayKey]:
    return DisplayKey.objects.filter(hospital=hospital).select_related("doctor", "created_by", "revoked_by")


def display_get(*, hospital: Hospital, display_id: int) -> DisplayKey:
    try:
        return display_list(hospital=hospital).get(pk=int(display_id))
    except (DisplayKey.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def display_for_key(*, raw_key: str) -> DisplayKey:
    """The active display of a raw key, with its hospital, doctor and the hospital's `show_initials`;
    NotFound for an unknown or revoked key, or a key of an inactive hospital. One query."""
    if not raw_key or len(raw_key) > 100:
        raise NotFound()
    initials = DisplaySettings.objects.filter(hospital_id=OuterRef("hospital_id")).values("show_initials")[:1]
    display = (
        DisplayKey.objects.filter(key_hash=hash_display_key(raw_key), revoked_at__isnull=True, hospital__is_active=True)
        .select_related("hospital", "doctor")
        .annotate(show_initials=Coalesce(Subquery(initials), Value(False)))
        .first()
    )
    if display is None:
        raise NotFound()
    return display


def display_settings(*, hospital: Hospital) -> DisplaySettings:
    """The hospital's display settings (defaults, unsaved, until the admin first changes them)."""
    return DisplaySettings.objects.filter(hospital=hospital).first() or DisplaySettings(hospital=hospital)


def _day_sessions(display: DisplayKey) -> tuple[date, QuerySet[ConsultationSession]]:
    today = display.hospital.local_date()
    sessions = ConsultationSession.objects.filter(hospital_id=display.hospital_id, token_date=today)
    if display.doctor_id:
        sessions = sessions.filter(doctor_id=display.doctor_id)
    return today, sessions


def _shows_initials(display: DisplayKey) -> bool:
    """The hospital's setting, annotated on the display by display_for_key."""
    return bool(getattr(display, "show_initials", False))


def display_version(*, display: DisplayKey) -> str:
    """An ETag for what the display shows: it changes with any call, recall, skip, start, completion, move,
    registration or priority of the day (each sets the session's `queue_changed_at`; a move away lowers the
    count), with the day itself and with the initials setting, and it is the same in every process and
    after a restart. One query (an index on hospital, day, queue_changed_at)."""
    today, sessions = _day_sessions(display)
    numbers = sessions.aggregate(changed=Max("queue_changed_at"), count=Count("id"))
    changed = numbers["changed"].isoformat() if numbers["changed"] else "-"
    raw = f"{display.pk}:{today}:{changed}:{numbers['count']}:{int(bool(_shows_initials(display)))}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _initials(full_name: str) -> str:
    return ".".join(part[0].upper() for part in full_name.split() if part[:1].isalpha())[:8] + "."


def display_board(*, display: DisplayKey) -> dict:
    """What the display shows, per doctor: the token called now (the latest called that is still open, also
    once started),
    the tokens called before it, and the next waiting in call order. Tokens only; the patient's initials
    when the hospital turned them on; never a name, a priority or anything clinical. Two queries."""
    _, sessions = _day_sessions(display)
    fields = [
        "doctor_id",
        "token_number",
        "called_at",
        "started_at",
        "no_show_at",
        "status",
        "queued_at",
        "recall_count",
    ]
    if _shows_initials(display):
        fields.append("visit__patient__full_name")
    rows = list(
        sessions.filter(Q(status=SessionStatus.OPEN, no_show_at__isnull=True) | Q(called_at__isnull=False))
        .order_by("queue_rank", "queued_at", "id")
        .values(*fields)
    )
    doctors = User.objects.filter(hospital_id=display.hospital_id, role=Role.DOCTOR)
    doctors = (
        doctors.filter(pk=display.doctor_id)
        if display.doctor_id
        else doctors.filter(Q(is_active=True) | Q(pk__in={row["doctor_id"] for row in rows}))
    )
    by_doctor = defaultdict(list)
    for row in rows:
        by_doctor[row["doctor_id"]].append(row)

    def token(row: dict) -> dict:
        entry = {"token": row["token_number"]}
        if _shows_initials(display):
            entry["initials"] = _initials(row["visit__patient__full_name"])
        return entry

    board = []
    latest = None
    for doctor in doctors.order_by("first_name", "last_name", "username"):
        mine = by_doctor.get(doctor.pk, [])
        called = sorted(
            (r for r in mine if r["called_at"] and not r["no_show_at"]), key=lambda r: r["called_at"], reverse=True
        )
        waiting = [r for r in mine if r["status"] == SessionStatus.OPEN and not r["called_at"] and not r["started_at"]]
        # The latest called token still open: once the latest is seen, an earlier call still waiting at the
        # door is the one "now" (not "–" beside a list of called tokens mixing it with completed ones).
        now = next((r for r in called if r["status"] == SessionStatus.OPEN), None)
        if called:
            latest = max(latest or called[0]["called_at"], called[0]["called_at"])
        board.append(
            {
                "doctor": doctor.display_name,
                "now": token(now) | {"called_at": now["called_at"].isoformat(), "recalls": now["recall_count"]}
                if now
                else None,
                "recent": [token(r) for r in called if r is not now][:RECENT],
                "next": [token(r) for r in waiting[:NEXT]],
                "waiting": len(waiting),
            }
        )
    return {
        "hospital": display.hospital.name,
        "display": display.name,
        "doctors": board,
        "last_call": latest.isoformat() if latest else None,
    }
