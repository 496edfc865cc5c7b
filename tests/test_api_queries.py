"""API lists cost a fixed number of queries, whatever the number of rows: no per-row queries in serializers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.consultations.services import complete_session, open_session
from apps.patients.services import create_patient
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.services import mark_as_printed
from apps.prescriptions.services import add_prescription_item
from apps.visits.services import create_visit_with_vitals
from tests.api_world import MEDICINE

pytestmark = pytest.mark.django_db


def _day(hospital, receptionist, doctor, medical_staff, rows: int) -> None:
    """`rows` patients, each with a visit; half completed with two items and a printed record."""
    for n in range(rows):
        patient = create_patient(by=receptionist, full_name=f"Patient {n}", age=30, gender="M")
        visit = create_visit_with_vitals(by=receptionist, patient=patient, doctor=doctor, vitals={"pulse_rate": 70})
        session = open_session(by=doctor, session=visit.sessions.get())
        for medicine in ("Paracetamol", "Cetirizine"):
            add_prescription_item(by=doctor, session=session, medicine_name=medicine, **MEDICINE)
        if n % 2 == 0:
            complete_session(by=doctor, session=session)
            mark_as_printed(by=medical_staff, record=DispenseRecord.objects.get(session=session))


LISTS = [
    ("receptionist", "/api/v1/patients/?page_size=100"),
    ("receptionist", "/api/v1/visits/?page_size=100"),
    ("doctor", "/api/v1/queue/?page_size=100"),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/?page_size=100"),
    ("hospital_admin", "/api/v1/users/?page_size=100"),
    ("hospital_admin", "/api/v1/audit/?page_size=100"),
]


@pytest.mark.parametrize(("role", "url"), LISTS)
def test_a_list_endpoint_makes_the_same_number_of_queries_for_2_and_30_rows(
    request, api_as, hospital, hospital_admin, receptionist, doctor, medical_staff, role, url
):
    client = api_as(request.getfixturevalue(role))
    counts = []
    for rows in (2, 28):  # 2 (one open, one at the pharmacy), then 30 in all
        _day(hospital, receptionist, doctor, medical_staff, rows)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url)
        assert answer.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12
