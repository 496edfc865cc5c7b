import pytest
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.tests.factories import PatientFactory
from apps.pharmacy.selectors import dispense_record_list
from apps.pharmacy.services import mark_as_dispensed, mark_as_printed
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.services import add_prescription_item
from apps.visits.services import create_visit_with_vitals
from apps.visits.tests.factories import PatientVitalsFactory, VisitFactory
from common.constants import Role, SessionStatus

pytestmark = pytest.mark.django_db
MEDICINE = {"medicine_name": "Paracetamol", "dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}


@pytest.fixture
def session(hospital, doctor):
    visit = VisitFactory(hospital=hospital, doctor=doctor, patient__full_name="Kavya Menon")
    PatientVitalsFactory(visit=visit)
    return ConsultationSessionFactory(visit=visit, session_number=1, started=True)


@pytest.fixture
def waiting(hospital, doctor):
    """A session the doctor has not started yet."""
    visit = VisitFactory(hospital=hospital, doctor=doctor, patient__full_name="Ravi Kumar")
    PatientVitalsFactory(visit=visit)
    return ConsultationSessionFactory(visit=visit, session_number=1)


def test_the_queue_lists_only_the_doctors_own_patients(client, doctor, other_doctor, session, hospital):
    ConsultationSessionFactory(
        visit=VisitFactory(hospital=hospital, doctor=other_doctor, patient__full_name="Not Mine")
    )
    client.force_login(doctor)
    page = client.get(reverse("opd:queue")).content.decode()
    assert "Kavya Menon" in page
    assert "Not Mine" not in page


def test_opening_the_consultation_shows_patient_vitals_and_records_the_read(client, doctor, session):
    client.force_login(doctor)
    page = client.get(reverse("opd:session", args=[session.pk])).content.decode()
    assert "Kavya Menon" in page
    assert "BMI" in page
    assert AuditEvent.objects.filter(action="consultation.view", actor=doctor).count() == 1


def test_opening_a_waiting_session_changes_nothing_and_offers_start(client, doctor, waiting):
    client.force_login(doctor)
    page = client.get(reverse("opd:session", args=[waiting.pk])).content.decode()

    waiting.refresh_from_db()
    assert waiting.started_at is None
    assert not hasattr(waiting.visit, "prescription")
    assert "Start consultation" in page
    assert "Add medicine" not in page
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["consultation.view"]


def test_start_is_a_post_that_opens_the_prescription(client, doctor, waiting):
    client.force_login(doctor)
    response = client.post(reverse("opd:start", args=[waiting.pk]), follow=True)

    waiting.refresh_from_db()
    assert waiting.started_at is not None
    assert waiting.visit.prescription
    assert "Add medicine" in response.content.decode()
    assert client.get(reverse("opd:start", args=[waiting.pk])).status_code == 405


def test_another_doctor_cannot_start_it(client, other_doctor, waiting):
    client.force_login(other_doctor)
    assert client.post(reverse("opd:start", args=[waiting.pk])).status_code == 403
    waiting.refresh_from_db()
    assert waiting.started_at is None


def test_a_medicine_cannot_be_added_before_the_consultation_starts(client, doctor, waiting):
    client.force_login(doctor)
    response = client.post(reverse("opd:add_item", args=[waiting.pk]), MEDICINE)
    assert "Start the consultation" in response.content.decode()
    assert not PrescriptionItem.objects.exists()


def test_another_doctors_session_is_403(client, other_doctor, session):
    client.force_login(other_doctor)
    response = client.get(reverse("opd:session", args=[session.pk]))
    assert response.status_code == 403
    assert "Kavya" not in response.content.decode()


def test_another_hospitals_session_is_404(client, doctor, other_hospital):
    foreign = ConsultationSessionFactory(visit=VisitFactory(hospital=other_hospital, patient__full_name="Far Away"))
    client.force_login(doctor)
    response = client.get(reverse("opd:session", args=[foreign.pk]))
    assert response.status_code == 404
    assert "Far Away" not in response.content.decode()


@pytest.mark.parametrize("fixture", ["receptionist", "medical_staff"])
def test_other_roles_cannot_add_medicines(request, client, session, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE).status_code == 403
    assert not PrescriptionItem.objects.exists()


def test_add_and_stop_a_medicine(client, doctor, session):
    client.force_login(doctor)
    response = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE, follow=True)
    assert "Added Paracetamol." in response.content.decode()
    item = PrescriptionItem.objects.get()
    response = client.post(reverse("opd:stop_item", args=[session.pk, item.pk]), follow=True)
    assert "Stopped Paracetamol." in response.content.decode()


def test_a_missing_field_keeps_the_other_input(client, doctor, session):
    client.force_login(doctor)
    response = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE | {"dosage": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the strength." in page  # the field rule's message (common.field_rules), as the API's
    assert 'value="Paracetamol"' in page


def test_a_duplicate_medicine_is_refused_on_the_form(client, doctor, session):
    add_prescription_item(by=doctor, session=session, **MEDICINE)
    client.force_login(doctor)
    response = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE | {"medicine_name": "PARACETAMOL"})
    assert "already on this prescription" in response.content.decode()
    assert PrescriptionItem.objects.count() == 1


def test_completing_twice_shows_the_refusal(client, doctor, session):
    client.force_login(doctor)
    client.post(reverse("opd:complete", args=[session.pk]))
    response = client.post(reverse("opd:complete", args=[session.pk]), follow=True)
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
        assert client.get(reverse("opd:queue")).status_code == 200


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
        assert client.get(reverse("opd:session", args=[session.pk])).status_code == 200


HTMX = {"HX-Request": "true"}


def test_the_queue_page_polls_itself_and_htmx_gets_only_the_list(client, doctor, session):
    client.force_login(doctor)
    page = client.get(reverse("opd:queue")).content.decode()
    assert 'hx-trigger="every 10s"' in page
    assert f'hx-get="{reverse("opd:queue")}"' in page
    response = client.get(reverse("opd:queue"), headers=HTMX)
    fragment = response.content.decode()
    assert "Kavya Menon" in fragment
    assert "<html" not in fragment
    assert "HX-Request" in response["Vary"]


def test_a_queue_refresh_after_the_session_ended_reloads_the_page(client, doctor):
    response = client.get(reverse("opd:queue"), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize("rows", [1, 30])
def test_the_queue_fragment_makes_a_fixed_number_of_queries(
    client, doctor, hospital, rows, django_assert_max_num_queries
):
    for visit in VisitFactory.create_batch(rows, hospital=hospital, doctor=doctor):
        PatientVitalsFactory(visit=visit)
        ConsultationSessionFactory(visit=visit, session_number=1)
    client.force_login(doctor)
    with django_assert_max_num_queries(6):
        fragment = client.get(reverse("opd:queue"), headers=HTMX).content.decode()
    assert fragment.count('class="token"') == rows


class TestPrescriptionWithHtmx:
    """htmx posts the add/stop forms and swaps only the prescription section; the page stays where it was."""

    def test_add_returns_the_section_with_the_item_and_the_message(self, client, doctor, session):
        client.force_login(doctor)
        response = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE, headers=HTMX)
        fragment = response.content.decode()
        assert response.status_code == 200
        assert '<section id="prescription"' in fragment
        assert "<html" not in fragment
        assert "Added Paracetamol." in fragment
        assert "Paracetamol" in fragment
        assert PrescriptionItem.objects.count() == 1

    def test_an_error_keeps_the_input_and_shows_the_message_by_the_field(self, client, doctor, session):
        client.force_login(doctor)
        response = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE | {"frequency": ""}, headers=HTMX)
        fragment = response.content.decode()
        # 200 so that htmx swaps it in: the error is inside the section.
        assert response.status_code == 200
        assert "Enter the dose." in fragment
        assert 'value="Paracetamol"' in fragment
        assert 'value="500 mg"' in fragment
        assert not PrescriptionItem.objects.exists()

    def test_a_duplicate_is_refused_inside_the_section(self, client, doctor, session):
        add_prescription_item(by=doctor, session=session, **MEDICINE)
        client.force_login(doctor)
        fragment = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE, headers=HTMX).content.decode()
        assert "already on this prescription" in fragment
        assert 'value="Paracetamol"' in fragment

    def test_stop_returns_the_section_with_the_item_stopped(self, client, doctor, session):
        item = add_prescription_item(by=doctor, session=session, **MEDICINE)
        client.force_login(doctor)
        response = client.post(reverse("opd:stop_item", args=[session.pk, item.pk]), headers=HTMX)
        fragment = response.content.decode()
        assert response.status_code == 200
        assert "Stopped Paracetamol." in fragment
        assert "text-decoration-line-through" in fragment
        assert "<html" not in fragment

    def test_stopping_twice_shows_the_refusal_inside_the_section(self, client, doctor, session):
        item = add_prescription_item(by=doctor, session=session, **MEDICINE)
        client.force_login(doctor)
        client.post(reverse("opd:stop_item", args=[session.pk, item.pk]), headers=HTMX)
        response = client.post(reverse("opd:stop_item", args=[session.pk, item.pk]), headers=HTMX)
        fragment = response.content.decode()
        assert "Paracetamol is already stopped." in fragment
        assert "<html" not in fragment

    def test_the_forms_still_work_without_javascript(self, client, doctor, session):
        client.force_login(doctor)
        response = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE)
        assert response.status_code == 302
        assert response["Location"] == reverse("opd:session", args=[session.pk])
        page = client.get(response["Location"]).content.decode()
        assert 'hx-post="' in page
        assert f'action="{reverse("opd:add_item", args=[session.pk])}"' in page

    def test_another_doctor_is_refused_with_htmx_too(self, client, other_doctor, session):
        client.force_login(other_doctor)
        response = client.post(reverse("opd:add_item", args=[session.pk]), MEDICINE, headers=HTMX)
        assert response.status_code == 403
        assert not PrescriptionItem.objects.exists()


class TestDashboard:
    def test_counts_follow_the_day(self, client, hospital_admin, receptionist, doctor, medical_staff):
        def counts():
            page = client.get(reverse("opd:dashboard")).content.decode()
            return {
                key: int(page.split(f'data-count="{key}">')[1].split("<")[0])
                for key in ("visits", "waiting", "in_consultation", "completed", "dispensed")
            }

        client.force_login(hospital_admin)
        assert counts() == dict.fromkeys(counts(), 0)
        visits = [
            create_visit_with_vitals(by=receptionist, patient=PatientFactory(hospital=doctor.hospital), doctor=doctor)
            for _ in range(3)
        ]
        assert counts() == {"visits": 3, "waiting": 3, "in_consultation": 0, "completed": 0, "dispensed": 0}
        first = start_consultation(by=doctor, session=visits[0].sessions.get())
        add_prescription_item(by=doctor, session=first, **MEDICINE)
        start_consultation(by=doctor, session=visits[1].sessions.get())
        complete_consultation(by=doctor, session=first)
        assert counts() == {"visits": 3, "waiting": 1, "in_consultation": 1, "completed": 1, "dispensed": 0}
        [record] = dispense_record_list(hospital=doctor.hospital, status="pending")
        mark_as_dispensed(by=medical_staff, record=mark_as_printed(by=medical_staff, record=record))
        assert counts()["dispensed"] == 1
        page = client.get(reverse("opd:dashboard")).content.decode()
        assert "Dr. Asha Rao" in page

    def test_another_hospitals_day_is_not_counted(self, client, hospital_admin, other_hospital):
        ConsultationSessionFactory(visit=VisitFactory(hospital=other_hospital))
        client.force_login(hospital_admin)
        page = client.get(reverse("opd:dashboard")).content.decode()
        assert 'data-count="visits">0<' in page

    @pytest.mark.parametrize("fixture", ["super_admin", "receptionist", "doctor", "medical_staff"])
    def test_other_roles_get_a_styled_403(self, request, client, fixture):
        client.force_login(request.getfixturevalue(fixture))
        response = client.get(reverse("opd:dashboard"))
        assert response.status_code == 403
        assert "Access refused" in response.content.decode()

    def test_the_hospital_admin_finds_it_in_the_navigation(self, client, hospital_admin):
        client.force_login(hospital_admin)
        page = client.get(reverse("accounts:staff")).content.decode()
        assert f'href="{reverse("opd:dashboard")}"' in page

    @pytest.mark.parametrize("rows", [1, 30])
    def test_makes_a_fixed_number_of_queries(
        self, client, hospital_admin, hospital, doctor, rows, django_assert_max_num_queries
    ):
        for n in range(rows):
            # Half of the visits with doctors of their own: the per-doctor table grows with the rows too.
            other = UserFactory(hospital=hospital, role=Role.DOCTOR) if n % 2 else doctor
            ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=other), session_number=1)
        client.force_login(hospital_admin)
        with django_assert_max_num_queries(9):  # 8, plus one for the day's collections (billing)
            page = client.get(reverse("opd:dashboard")).content.decode()
        assert f'data-count="visits">{rows}<' in page


def test_the_consultation_page_lists_only_the_visits_made_before_this_one(client, hospital, doctor):
    # "Earlier visits": opening an older session showed the patient's later visits as earlier ones.
    patient = PatientFactory(hospital=hospital)
    visits = [VisitFactory(hospital=hospital, doctor=doctor, patient=patient) for _ in range(2)]
    for visit in visits:
        PatientVitalsFactory(visit=visit)
    older, newer = (ConsultationSessionFactory(visit=visit, session_number=1, started=True) for visit in visits)
    add_prescription_item(by=doctor, session=older, **MEDICINE | {"medicine_name": "Amlodipine"})
    add_prescription_item(by=doctor, session=newer, **MEDICINE | {"medicine_name": "Telmisartan"})
    client.force_login(doctor)
    on_the_older = client.get(reverse("opd:session", args=[older.pk])).content.decode()
    history = on_the_older[on_the_older.index('id="history"') :]
    assert "Telmisartan" not in history
    assert "No earlier visits in this hospital." in history
    on_the_newer = client.get(reverse("opd:session", args=[newer.pk])).content.decode()
    assert "Amlodipine" in on_the_newer[on_the_newer.index('id="history"') :]
