import pytest
from django.urls import reverse

from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.patients.tests.factories import PatientFactory
from apps.visits.models import Visit
from apps.visits.services import create_visit_with_vitals
from apps.visits.tests.factories import PatientVitalsFactory, VisitFactory
from common import submissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(hospital):
    return PatientFactory(hospital=hospital, full_name="Kavya Menon")


def chart(patient):
    return reverse("visits:patient", args=[patient.pk])


def visit_form(patient, doctor, **vitals):
    return {"patient": patient.pk, "doctor": doctor.pk, "validity_days": ""} | vitals


def test_creating_a_visit_tells_the_token(client, receptionist, patient, doctor):
    client.force_login(receptionist)
    response = client.post(chart(patient), visit_form(patient, doctor, blood_pressure="120/80"), follow=True)
    assert "token 1 with Dr. Asha Rao" in response.content.decode()
    assert Visit.objects.get().vitals.blood_pressure == "120/80"


def test_bad_vitals_keep_the_input_and_show_the_message_next_to_the_field(client, receptionist, patient, doctor):
    client.force_login(receptionist)
    data = visit_form(patient, doctor, blood_pressure="80/120", height_cm="170", pulse_rate="999")
    response = client.post(chart(patient), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Diastolic pressure must be lower than systolic." in page
    assert "Enter a value from 20 to 250 beats per minute." in page
    assert 'value="170"' in page
    assert not Visit.objects.exists()


def test_a_duplicate_visit_offers_a_follow_up_on_the_existing_one(client, receptionist, patient, doctor):
    existing = create_visit_with_vitals(by=receptionist, patient=patient, doctor=doctor)
    client.force_login(receptionist)
    page = client.post(chart(patient), visit_form(patient, doctor)).content.decode()
    assert f"visit #{existing.pk}" in page
    assert reverse("visits:follow_up", args=[existing.pk]) in page
    assert Visit.objects.count() == 1


def test_another_hospitals_doctor_is_refused_in_the_form(client, receptionist, patient, other_hospital):
    from apps.accounts.tests.factories import UserFactory

    stranger = UserFactory(hospital=other_hospital, role="DOCTOR")
    client.force_login(receptionist)
    response = client.post(chart(patient), visit_form(patient, stranger))
    assert response.status_code == 400
    assert "Choose an active doctor of this hospital." in response.content.decode()
    assert not Visit.objects.exists()


def test_follow_up_while_open_shows_the_refusal(client, receptionist, patient, doctor):
    visit = create_visit_with_vitals(by=receptionist, patient=patient, doctor=doctor)
    client.force_login(receptionist)
    response = client.post(reverse("visits:follow_up", args=[visit.pk]), follow=True)
    assert "Session 1 of this visit is still open." in response.content.decode()


def test_a_follow_up_with_a_deactivated_doctor_is_refused_offering_another_doctor(
    client, receptionist, patient, doctor
):
    visit = create_visit_with_vitals(by=receptionist, patient=patient, doctor=doctor)
    visit.sessions.update(status="completed", completed_at=visit.created_at)
    doctor.is_active = False
    doctor.save(update_fields=["is_active"])
    client.force_login(receptionist)
    response = client.post(reverse("visits:follow_up", args=[visit.pk]), follow=True)
    assert "Dr. Asha Rao is no longer active; open a new visit with another doctor." in response.content.decode()
    assert visit.sessions.count() == 1


def test_another_hospitals_visit_is_404(client, receptionist, other_hospital):
    client.force_login(receptionist)
    foreign = VisitFactory(hospital=other_hospital)
    assert client.post(reverse("visits:follow_up", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("visits:close", args=[foreign.pk])).status_code == 404


def test_a_doctor_may_read_the_chart_but_not_create_a_visit(client, doctor, patient):
    client.force_login(doctor)
    assert client.get(chart(patient)).status_code == 200
    assert client.post(chart(patient), visit_form(patient, doctor)).status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("fixture", ["medical_staff", "hospital_admin", "super_admin"])
def test_the_front_desk_is_refused_to_other_roles(request, client, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("visits:front_desk")).status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_front_desk_makes_a_fixed_number_of_queries(
    client, receptionist, hospital, rows, django_assert_max_num_queries
):
    for visit in VisitFactory.create_batch(rows, hospital=hospital):
        PatientVitalsFactory(visit=visit)
        ConsultationSessionFactory(visit=visit, session_number=1)
    client.force_login(receptionist)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("visits:front_desk")).content.decode()
    assert page.count("Waiting") == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_patient_chart_makes_a_fixed_number_of_queries(
    client, receptionist, hospital, rows, django_assert_max_num_queries
):
    patient = PatientFactory(hospital=hospital)
    for visit in VisitFactory.create_batch(rows, hospital=hospital, patient=patient):
        PatientVitalsFactory(visit=visit)
        ConsultationSessionFactory(visit=visit, session_number=1)
    client.force_login(receptionist)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("visits:patient", args=[patient.pk])).status_code == 200


def test_a_double_click_on_create_visit_makes_one_visit_and_repeats_the_token_message(
    client, receptionist, patient, doctor
):
    client.force_login(receptionist)
    form = visit_form(patient, doctor, pulse_rate="72") | {submissions.FIELD: submissions.new_token()}
    client.post(chart(patient), form)
    page = client.post(chart(patient), form, follow=True).content.decode()
    assert Visit.objects.count() == 1
    assert "nothing was saved twice" in page
    assert "token 1 with Dr. Asha Rao" in page
    assert "already has an active visit" not in page


def test_the_chart_links_to_the_family_sharing_the_phone(client, receptionist, hospital):
    mother = PatientFactory(hospital=hospital, phone_number="9845012345")
    client.force_login(receptionist)
    page = client.get(chart(mother)).content.decode()
    assert f"{reverse('visits:front_desk')}?q=9845012345" in page


def test_the_front_desk_shows_todays_visits_newest_first_a_page_at_a_time(
    client, receptionist, doctor, hospital, monkeypatch
):
    from apps.visits.views import FrontDeskView

    monkeypatch.setattr(FrontDeskView, "page_size", 2)
    visits = [
        create_visit_with_vitals(by=receptionist, patient=PatientFactory(hospital=hospital), doctor=doctor)
        for _ in range(3)
    ]
    client.force_login(receptionist)
    first = client.get(reverse("visits:front_desk"), {"q": "x"})
    assert [v.pk for v in first.context["todays_visits"]] == [visits[2].pk, visits[1].pk]
    next_url = first.context["todays_visits"].next_url
    assert "q=x" in next_url
    second = client.get(next_url)
    assert [v.pk for v in second.context["todays_visits"]] == [visits[0].pk]
    assert second.context["todays_visits"].next_url is None
