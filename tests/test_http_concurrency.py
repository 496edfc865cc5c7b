"""The races of SPEC §2 through real HTTP: many clients hit a live, threaded server at the same moment.

The service-level races (`run_concurrently`) prove the row locks; these prove that nothing
between the client and the service (authentication, serializers, the exception handler,
one database connection per request thread) loses the guarantee or turns a refusal into
a 500. Each client sends its request on its own connection, released at one barrier.
Every successful write has its one audit event; no refusal leaves one.
"""

from collections import Counter

import pytest

from apps.accounts.models import User
from apps.accounts.services import issue_api_token
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.consultations.models import ConsultationSession
from apps.hospitals.tests.factories import HospitalFactory
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.models import Patient
from apps.patients.services import create_patient
from apps.prescriptions.models import Prescription
from apps.visits.services import create_visit_with_vitals
from common.constants import Role
from common.testing import fire_together, http_json
from tests.api_world import build_world

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

STRONG_PASSWORD = "racing-pharmacy-2026"


def token_of(user) -> str:
    # Issued directly: twenty log-ins at once would only exercise the token-failure throttle.
    return issue_api_token(user=user)[1]


def statuses(answers) -> Counter:
    return Counter(answer.status for answer in answers)


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_twenty_simultaneous_dispenses_let_exactly_one_win(live_server):
    world = build_world(HospitalFactory(), "w")
    token = token_of(world.medical_staff)
    path = f"/api/v1/pharmacy/dispense-records/{world.record.pk}/dispense/"

    answers = fire_together(20, lambda n: http_json(live_server.url, "POST", path, token=token))

    assert statuses(answers) == {200: 1, 409: 19}, answers
    refusals = [a.body["detail"] for a in answers if a.status == 409]
    assert all(detail.startswith("Already dispensed by wmedical_staff at") for detail in refusals), refusals
    world.record.refresh_from_db()
    assert world.record.is_dispensed
    assert world.record.dispensed_by == world.medical_staff
    assert events("dispense.dispense") == 1


def test_twenty_simultaneous_staff_creations_leave_exactly_three_active(live_server):
    hospital = HospitalFactory(max_doctors=3)
    token = token_of(UserFactory(hospital=hospital, role=Role.HOSPITAL_ADMIN))

    def create_doctor(n: int):
        body = {"username": f"racer{n}", "password": STRONG_PASSWORD, "role": Role.DOCTOR}
        return http_json(live_server.url, "POST", "/api/v1/users/", token=token, body=body)

    answers = fire_together(20, create_doctor)

    assert statuses(answers) == {201: 3, 409: 17}, answers
    assert {a.body["detail"] for a in answers if a.status == 409} == {
        "This hospital may have at most 3 active doctors."
    }
    active = User.objects.filter(hospital=hospital, role=Role.DOCTOR, is_active=True)
    assert sorted(active.values_list("username", flat=True)) == sorted(
        a.body["username"] for a in answers if a.status == 201
    )
    assert User.objects.filter(hospital=hospital, role=Role.DOCTOR).count() == 3
    assert events("user.create") == 3


def test_twenty_simultaneous_registrations_get_twenty_distinct_mrns_without_gaps(live_server):
    hospital = HospitalFactory()
    token = token_of(UserFactory(hospital=hospital, role=Role.RECEPTIONIST))

    def register(n: int):
        body = {"full_name": f"Racer {n}", "age": 30 + n, "gender": "F"}
        return http_json(live_server.url, "POST", "/api/v1/patients/", token=token, body=body)

    answers = fire_together(20, register)

    assert statuses(answers) == {201: 20}, answers
    assert sorted(a.body["mrn"] for a in answers) == [f"P-{n:06d}" for n in range(1, 21)]
    assert sorted(Patient.objects.filter(hospital=hospital).values_list("mrn_number", flat=True)) == list(range(1, 21))
    hospital.refresh_from_db()
    assert hospital.last_patient_number == 20
    assert events("patient.create") == 20


def test_twenty_simultaneous_visits_for_one_doctor_get_tokens_one_to_twenty(live_server):
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    patients = [create_patient(by=desk, full_name=f"Patient {n}", age=40, gender="M") for n in range(20)]
    token = token_of(desk)

    def create_visit(n: int):
        body = {"patient": patients[n].pk, "doctor": doctor.pk, "vitals": {"pulse_rate": 60 + n}}
        return http_json(live_server.url, "POST", "/api/v1/visits/", token=token, body=body)

    answers = fire_together(20, create_visit)

    assert statuses(answers) == {201: 20}, answers
    assert sorted(a.body["sessions"][0]["token_number"] for a in answers) == list(range(1, 21))
    tokens = ConsultationSession.objects.filter(doctor=doctor).values_list("token_number", flat=True)
    assert sorted(tokens) == list(range(1, 21))
    assert events("visit.create") == 20


def test_ten_simultaneous_starts_of_a_session_create_one_prescription(live_server):
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    patient = create_patient(by=desk, full_name="First Open", age=50, gender="O")
    visit = create_visit_with_vitals(by=desk, patient=patient, doctor=doctor)
    session = visit.sessions.get()
    token = token_of(doctor)
    path = f"/api/v1/sessions/{session.pk}/start/"

    answers = fire_together(10, lambda n: http_json(live_server.url, "POST", path, token=token))

    # A double click starts once: every answer is the started session with the one prescription,
    # and only the start that changed something is audited.
    assert statuses(answers) == {200: 10}, answers
    prescription = Prescription.objects.get(visit=visit)
    assert {a.body["prescription"]["id"] for a in answers} == {prescription.pk}
    [start] = AuditEvent.objects.filter(action="session.start", object_id=str(session.pk))
    assert start.changes["prescription_created"] == prescription.pk


def test_ten_simultaneous_follow_ups_of_one_visit_open_exactly_one_session(live_server):
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    patient = create_patient(by=desk, full_name="Follow Up", age=61, gender="M")
    visit = create_visit_with_vitals(by=desk, patient=patient, doctor=doctor)
    complete_consultation(by=doctor, session=start_consultation(by=doctor, session=visit.sessions.get()))
    token = token_of(desk)
    path = f"/api/v1/visits/{visit.pk}/follow-up/"

    answers = fire_together(10, lambda n: http_json(live_server.url, "POST", path, token=token))

    assert statuses(answers) == {201: 1, 409: 9}, answers
    [opened] = [a.body for a in answers if a.status == 201]
    assert opened["session_number"] == 2
    assert {a.body["detail"] for a in answers if a.status == 409} == {"Session 2 of this visit is still open."}
    assert list(visit.sessions.values_list("session_number", flat=True)) == [1, 2]
    assert events("visit.follow_up") == 1


def test_twenty_simultaneous_call_nexts_over_ten_waiting_call_each_exactly_once(live_server):
    """A double click, two tabs and an API client at once: the doctor's row lock hands out each token once."""
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    for n in range(10):
        patient = create_patient(by=desk, full_name=f"Waiting {n}", age=40, gender="F")
        create_visit_with_vitals(by=desk, patient=patient, doctor=doctor)
    token = token_of(doctor)

    answers = fire_together(20, lambda n: http_json(live_server.url, "POST", "/api/v1/queue/call-next/", token=token))

    assert statuses(answers) == {200: 10, 409: 10}, answers
    assert {a.body["code"] for a in answers if a.status == 409} == {"queue_empty"}
    called = [a.body["session"]["token_number"] for a in answers if a.status == 200]
    assert sorted(called) == list(range(1, 11))
    sessions = ConsultationSession.objects.filter(doctor=doctor)
    assert sessions.filter(called_at__isnull=False).count() == 10
    assert events("queue.call") == 10
