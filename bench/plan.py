"""Who does what in the benchmarks: users, search terms, sessions, records and patients, read off the data.

    python -m bench.plan --workers 16 > plan.json

Built afresh before each phase, so every phase gets patients who have no valid visit yet.
"""

import argparse
import json
import sys
from datetime import timedelta

import django

from bench.datagen import DOCTORS, PASSWORD, PHARMACISTS, RECEPTIONISTS

LATENCY_VISITS = 250  # per kind (web, API): the latency run sends at most this many visit creations


def build(workers: int) -> dict:
    from django.db.models import Count, Q

    from apps.accounts.models import User
    from apps.consultations.models import ConsultationSession
    from apps.hospitals.models import Hospital
    from apps.patients.models import Patient
    from apps.pharmacy.models import DispenseRecord

    def user(username: str) -> User:
        return User.objects.get(username=username)

    hospital = Hospital.objects.get(pk=1)
    today = hospital.local_date()
    doctor, visit_doctor = user("h01_doctor1"), user(f"h01_doctor{DOCTORS}")
    open_sessions = list(
        ConsultationSession.objects.filter(doctor=doctor, status="open")
        .order_by("created_at")
        .values_list("id", flat=True)
    )
    if len(open_sessions) < 3:
        sys.exit("h01_doctor1 has too few patients in the queue; regenerate the data.")
    family_phone = (
        Patient.objects.filter(hospital=hospital)
        .values("phone_number")
        .annotate(members=Count("id"))
        .filter(members__gte=2)
        .order_by("phone_number")
        .values_list("phone_number", flat=True)
        .first()
    )
    chart_patient = Patient.objects.filter(hospital=hospital).annotate(n=Count("visits")).order_by("-n", "id").first()

    def free_patients(hospital_id: int) -> list[list]:
        """Patients of the hospital with no visit that is still valid: any doctor may see them today."""
        busy = Q(visits__is_active=True, visits__visit_date__gte=today - timedelta(days=7))
        rows = (
            Patient.objects.filter(hospital_id=hospital_id)
            .exclude(busy)
            .order_by("id")
            .values_list("id", "full_name", "phone_number", "mrn_number")
        )
        return [[pk, name, phone, f"P-{mrn:06d}"] for pk, name, phone, mrn in rows]

    hospitals = list(Hospital.objects.order_by("id").values_list("id", flat=True))
    free = {pk: free_patients(pk) for pk in hospitals}
    latency_pool = free[1][: 2 * LATENCY_VISITS]
    free[1] = free[1][2 * LATENCY_VISITS :]
    if len(latency_pool) < 2 * LATENCY_VISITS:
        sys.exit("Hospital 1 has too few patients without a valid visit for the latency run.")

    # Workers spread over the hospitals; each hospital's patients are dealt out among its workers.
    mixed = []
    for k in range(workers):
        hospital_id = hospitals[k % len(hospitals)]
        same = [j for j in range(workers) if hospitals[j % len(hospitals)] == hospital_id]
        index, of = same.index(k), len(same)
        prefix = f"h{hospital_id:02d}"
        doctor_name = f"{prefix}_doctor{2 + index % (DOCTORS - 2)}"  # not the latency run's two doctors
        mixed.append(
            {
                "hospital": {
                    "id": hospital_id,
                    "desk": f"{prefix}_desk{1 + index % RECEPTIONISTS}",
                    "doctor": doctor_name,
                    "doctor_id": user(doctor_name).pk,
                    "pharmacy": f"{prefix}_pharmacy{1 + index % PHARMACISTS}",
                },
                "patients": free[hospital_id][index::of],
                "share": [index, of],
            }
        )

    # The list by name: a fragment common enough to match about an eighth of the hospital's patients
    # (~250 of 2,000 at the small size), of which a page shows 14.
    names = [name.lower() for name in Patient.objects.filter(hospital=hospital).values_list("full_name", flat=True)]
    fragments: dict[str, int] = {}
    for name in names:
        for piece in {name[i : i + 3] for i in range(len(name) - 2)}:
            if piece.isalpha():
                fragments[piece] = fragments.get(piece, 0) + 1
    fragment = min(sorted(fragments), key=lambda piece: abs(fragments[piece] - len(names) / 8))
    # A waiting-room display of hospital 1, every doctor (a new key each plan: the raw key is shown once).
    from apps.waitingroom.services import create_display_key

    _, display_key = create_display_key(by=user("h01_admin"), name="Bench waiting hall")

    return {
        "password": PASSWORD,
        "display_key": display_key,
        "users": {
            "desk": "h01_desk1",
            "doctor": doctor.username,
            "pharmacy": "h01_pharmacy1",
            "admin": "h01_admin",
            "root": "bench_root",
        },
        "ids": {
            "visit_doctor": visit_doctor.pk,
            "consult_session": open_sessions[0],
            "chart_patient": chart_patient.pk,
            "print_record": DispenseRecord.objects.filter(hospital=hospital, is_printed=True).latest("id").pk,
        },
        "search": {
            "name": chart_patient.full_name.split()[-1],
            "phone": family_phone,
            "mrn": f"P-{chart_patient.mrn_number:06d}",
            "fragment": fragment,
            "full_name": chart_patient.full_name,
        },
        "new_visit_patients": {
            "api": [p[0] for p in latency_pool[:LATENCY_VISITS]],
            "web": [p[0] for p in latency_pool[LATENCY_VISITS:]],
        },
        # The first in the queue is the consultation page's; the rest get the added items.
        "add_item_sessions": {"api": open_sessions[1::2], "web": open_sessions[2::2]},
        "workers": mixed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=16, help="virtual users of the mixed workload")
    args = parser.parse_args()
    django.setup()
    json.dump(build(args.workers), sys.stdout)


if __name__ == "__main__":
    main()
