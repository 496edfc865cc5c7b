import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.services import add_prescription_item
from apps.visits.tests.factories import ConsultationSessionFactory, PatientVitalsFactory, VisitFactory
from common.constants import SessionStatus

pytestmark = pytest.mark.django_db
MEDICINE = {"medicine_name": "Paracetamol", "dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}


@pytest.fixture
def session(hospital, doctor):
    visit = VisitFactory(hospital=hospital, doctor=doctor, patient__full_name="Kavya Menon")
    PatientVitalsFactory(visit=visit)
    return ConsultationSessionFactory(visit=visit, session_number=1)


def test_the_queue_lists_only_the_doctors_own_patients(client, doctor, other_doctor, session, hospital):
    ConsultationSessionFactory(
        visit=VisitFactory(hospital=hospital, doctor=other_doctor, patient__full_name="Not Mine")
    )
    client.force_login(doctor)
    page = client.get(reverse("consultations:queue")).content.decode()
    assert "Kavya Menon" in page
    assert "Not Mine" not in page


def test_opening_the_consultation_shows_patient_vitals_and_records_the_read(client, doctor, session):
    client.force_login(doctor)
    page = client.get(reverse("consultations:session", args=[session.pk])).content.decode()
    assert "Kavya Menon" in page
    assert "BMI" in page
    assert AuditEvent.objects.filter(action="consultation.view", actor=doctor).count() == 1


def test_another_doctors_session_is_403(client, other_doctor, session):
    client.force_login(other_doctor)
    response = client.get(reverse("consultations:session", args=[session.pk]))
    assert response.status_code == 403
    assert "Kavya" not in response.content.decode()


def test_another_hospitals_session_is_404(client, doctor, other_hospital):
    foreign = ConsultationSessionFactory(visit=VisitFactory(hospital=other_hospital, patient__full_name="Far Away"))
    client.force_login(doctor)
    response = client.get(reverse("consultations:session", args=[foreign.pk]))
    assert response.status_code == 404
    assert "Far Away" not in response.content.decode()


@pytest.mark.parametrize("fixture", ["receptionist", "medical_staff"])
def test_other_roles_cannot_add_medicines(request, client, session, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.post(reverse("consultations:add_item", args=[session.pk]), MEDICINE).status_code == 403
    assert not PrescriptionItem.objects.exists()


def test_add_and_stop_a_medicine(client, doctor, session):
    client.force_login(doctor)
    response = client.post(reverse("consultations:add_item", args=[session.pk]), MEDICINE, follow=True)
    assert "Added Paracetamol." in response.content.decode()
    item = PrescriptionItem.objects.get()
    response = client.post(reverse("consultations:stop_item", args=[session.pk, item.pk]), follow=True)
    assert "Stopped Paracetamol." in response.content.decode()


def test_a_missing_field_keeps_the_other_input(client, doctor, session):
    client.force_login(doctor)
    response = client.post(reverse("consultations:add_item", args=[session.pk]), MEDICINE | {"dosage": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page
    assert 'value="Paracetamol"' in page


def test_a_duplicate_medicine_is_refused_on_the_form(client, doctor, session):
    add_prescription_item(by=doctor, session=session, **MEDICINE)
    client.force_login(doctor)
    response = client.post(
        reverse("consultations:add_item", args=[session.pk]), MEDICINE | {"medicine_name": "PARACETAMOL"}
    )
    assert "already on this prescription" in response.content.decode()
    assert PrescriptionItem.objects.count() == 1


def test_completing_twice_shows_the_refusal(client, doctor, session):
    client.force_login(doctor)
    client.post(reverse("consultations:complete", args=[session.pk]))
    response = client.post(reverse("consultations:complete", args=[session.pk]), follow=True)
    assert "This session is already completed." in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


@pytest.mark.parametrize("rows", [1, 30])
def test_queue_makes_a_fixed_number_of_queries(client, doctor, hospital, rows, django_assert_max_num_queries):
    for visit in VisitFactory.create_batch(rows, hospital=hospital, doctor=doctor):
        PatientVitalsFactory(visit=visit)
        ConsultationSessionFactory(visit=visit, session_number=1)
    client.force_login(doctor)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("consultations:queue")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_consultation_page_makes_a_fixed_number_of_queries(
    client, doctor, session, rows, django_assert_max_num_queries
):
    for n in range(rows):
        add_prescription_item(by=doctor, session=session, **(MEDICINE | {"medicine_name": f"Medicine {n}"}))
    for visit in VisitFactory.create_batch(rows, hospital=session.hospital, patient=session.visit.patient):
        PatientVitalsFactory(visit=visit)
    client.force_login(doctor)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("consultations:session", args=[session.pk])).status_code == 200
