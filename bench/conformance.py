"""Proof that bench.datagen's bulk path writes what the services write: run after every generation.

    python -m bench.conformance [size]   (bench's environment; datagen calls it at the end)

datagen writes rows with COPY because a million visits through the services take hours.
Two checks keep that path from drifting from the services:

1. Every audit chain of the generated data verifies (apps.audit.chain.verify_chains: seq
   without gaps, each link's prev_hash, each event's hash over its content, the head rows),
   for the sizes small enough to walk in seconds (the large size's 9 million events take
   minutes; its chains are built by the same code).
2. One patient's OPD day goes through the real services, inside a transaction that is rolled
   back: registration, a visit with vitals, start, an item, complete, print, dispense, a
   follow-up that stops the item and adds another, complete, print, dispense, close. Each
   audit event the services wrote is compared with the generated events of the same action:
   object type, actor's role, the summary with every number masked, and the changes' keys and
   value types. Any difference names the action and both shapes, and datagen fails, so a
   service that changes what it records fails `make bench` (and CI, at the tiny size) until
   datagen follows.
"""

import json
import re
import sys

import django

WALKED_SIZES = ("tiny", "small")
VITALS = {"height_cm": 162, "weight_kg": 58.5, "blood_pressure": "124/82", "pulse_rate": 76, "temperature_c": 36.8}
ITEM = {"dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days", "instructions": "after food"}


def shape(value):
    """What is compared: keys and value types, not values (ids, times and names differ by design)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def event_shape(event) -> dict:
    return {
        "object_type": event.object_type,
        "actor_role": event.actor_role,
        "summary": re.sub(r"\d+", "#", event.summary),
        "changes": shape(event.changes),
    }


def _one_day_through_the_services() -> list:
    """The audit events the services write for one patient's day (and its follow-up), then rolled back."""
    from django.db import transaction

    from apps.accounts.models import User
    from apps.audit.models import AuditEvent
    from apps.opd.services import complete_consultation, start_consultation
    from apps.patients.services import create_patient
    from apps.pharmacy.models import DispenseRecord
    from apps.pharmacy.services import mark_as_dispensed, mark_as_printed
    from apps.prescriptions.services import add_prescription_item, stop_prescription_item
    from apps.visits.services import close_visit, create_visit_with_vitals, start_follow_up

    desk, doctor, pharmacist = (User.objects.get(username=f"h01_{name}") for name in ("desk1", "doctor3", "pharmacy1"))
    with transaction.atomic():
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        patient = create_patient(by=desk, full_name="Conformance Check", age=40, gender="F", phone_number="9800000001")
        visit = create_visit_with_vitals(by=desk, patient=patient, doctor=doctor, vitals=VITALS)
        item = None
        for session in (visit.opened_session, None):
            session = start_consultation(by=doctor, session=session or start_follow_up(by=desk, visit=visit))
            if item is not None:
                stop_prescription_item(by=doctor, session=session, item=item)
            item = add_prescription_item(
                by=doctor, session=session, medicine_name=f"Check medicine {session.session_number}", **ITEM
            )
            complete_consultation(by=doctor, session=session)
            record = DispenseRecord.objects.get(session=session)
            mark_as_dispensed(by=pharmacist, record=mark_as_printed(by=pharmacist, record=record))
        close_visit(by=desk, visit=visit)
        events = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
        transaction.set_rollback(True)
    return events


def differences(generated_up_to: int | None = None) -> list[str]:
    """Each event of the services' day against the generated events of its action (ids up to
    `generated_up_to`: later ones were written by the benchmarks themselves, through the services)."""
    from apps.audit.models import AuditEvent

    problems = []
    for event in _one_day_through_the_services():
        expected = event_shape(event)
        generated = AuditEvent.objects.filter(hospital_id=1, action=event.action).order_by("-id")
        if generated_up_to is not None:
            generated = generated.filter(id__lte=generated_up_to)
        shapes = {json.dumps(event_shape(row), sort_keys=True) for row in generated[:500]}
        if not shapes:
            problems.append(f"{event.action}: the services write it, datagen never does")
        elif json.dumps(expected, sort_keys=True) not in shapes:
            problems.append(f"{event.action}: the services write {expected}, datagen {sorted(shapes)[0]}")
    return problems


def broken_chains() -> list[str]:
    from apps.audit.chain import verify_chains

    return [f"chain of hospital {report.hospital_id}: {report.broken}" for report in verify_chains() if report.broken]


def check(size: str, generated_up_to: int | None = None) -> None:
    """Exits with the differences, if any."""
    problems = differences(generated_up_to)
    if size in WALKED_SIZES:
        problems += broken_chains()
    if problems:
        sys.exit("bench.datagen drifted from the services:\n  " + "\n  ".join(problems))


def main() -> None:
    django.setup()
    check(sys.argv[1] if len(sys.argv) > 1 else "tiny")
    print(json.dumps({"conformance": "the generated rows match the services"}))


if __name__ == "__main__":
    main()
