"""API lists cost a fixed number of queries, whatever the number of rows: no per-row queries in serializers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.tests.factories import UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.services import create_patient
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.services import mark_as_printed
from apps.prescriptions.services import add_prescription_item
from apps.visits.services import create_visit_with_vitals
from common.constants import Role
from tests.api_world import MEDICINE

pytestmark = pytest.mark.django_db


def _patients_seen(w, rows: int) -> None:
    """`rows` patients waiting with two medicines, and `rows` more whose prescription is printed."""
    for n in range(rows):
        for stage in ("waiting", "printed"):
            patient = create_patient(by=w["receptionist"], full_name=f"{stage} {n}", age=30, gender="M")
            visit = create_visit_with_vitals(
                by=w["receptionist"], patient=patient, doctor=w["doctor"], vitals={"pulse_rate": 70}
            )
            session = start_consultation(by=w["doctor"], session=visit.sessions.get())
            for medicine in ("Paracetamol", "Cetirizine"):
                add_prescription_item(by=w["doctor"], session=session, medicine_name=medicine, **MEDICINE)
            if stage == "printed":
                complete_consultation(by=w["doctor"], session=session)
                mark_as_printed(by=w["medical_staff"], record=DispenseRecord.objects.get(session=session))


def _hospitals(w, rows: int) -> None:
    for _ in range(rows):
        HospitalFactory()


def _staff(w, rows: int) -> None:
    for _ in range(rows):
        UserFactory(hospital=w["hospital"], role=Role.DOCTOR)


def _displays(w, rows: int) -> None:
    from apps.waitingroom.services import create_display_key

    for n in range(rows):
        create_display_key(by=w["hospital_admin"], name=f"Screen {n}", doctor=w["doctor"])


def _hospital_admins(w, rows: int) -> None:
    for _ in range(rows):
        UserFactory(hospital=HospitalFactory(), role=Role.HOSPITAL_ADMIN)


LISTS = [
    ("receptionist", "/api/v1/patients/", _patients_seen),
    ("receptionist", "/api/v1/visits/", _patients_seen),
    ("receptionist", "/api/v1/doctors/", _staff),
    ("doctor", "/api/v1/queue/", _patients_seen),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/", _patients_seen),
    ("hospital_admin", "/api/v1/users/", _staff),
    ("hospital_admin", "/api/v1/audit/", _patients_seen),
    ("hospital_admin", "/api/v1/displays/", _displays),
    ("super_admin", "/api/v1/hospitals/", _hospitals),
    ("super_admin", "/api/v1/users/", _hospital_admins),
]


@pytest.mark.parametrize(("role", "url", "arrange"), LISTS, ids=[f"{role} {url}" for role, url, _ in LISTS])
def test_a_list_endpoint_makes_the_same_number_of_queries_for_1_and_30_rows(
    request, api_as, hospital, super_admin, hospital_admin, receptionist, doctor, medical_staff, role, url, arrange
):
    world = {
        "hospital": hospital,
        "receptionist": receptionist,
        "doctor": doctor,
        "medical_staff": medical_staff,
        "hospital_admin": hospital_admin,
    }
    client = api_as(request.getfixturevalue(role))
    counts = []
    for rows in (1, 29):  # 1, then 30 in all
        arrange(world, rows)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url, {"page_size": 100})
        assert answer.status_code == 200
        assert len(answer.json()["results"]) >= rows
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12
