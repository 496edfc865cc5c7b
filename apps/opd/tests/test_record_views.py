"""The consultation page's notes: saved as the doctor types (htmx) or by a plain post, input kept on a refusal."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.consultations.models import ConsultationRecord
from apps.consultations.selectors import record_for_session
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.visits.tests.factories import PatientVitalsFactory, VisitFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
AUTOSAVE = HTMX | {"HTTP_HX_TRIGGER": "record-autosave"}


@pytest.fixture
def session(hospital, doctor):
    visit = VisitFactory(hospital=hospital, doctor=doctor, patient__full_name="Kavya Menon")
    PatientVitalsFactory(visit=visit)
    return ConsultationSessionFactory(visit=visit, session_number=1, started=True)


def record_url(session):
    return reverse("opd:record", args=[session.pk])


def page(client, session):
    return client.get(reverse("opd:session", args=[session.pk])).content.decode()


def test_a_plain_post_saves_and_enter_in_the_icd_search_adds_the_first_match(client, doctor, session, hospital):
    client.force_login(doctor)
    answer = client.post(
        record_url(session),
        {"complaint_text_1": "Fever", "complaint_duration_1": "3 days", "icd_q": "HTN", "history": "Since Monday"},
    )
    assert answer.status_code == 302
    record = record_for_session(hospital=hospital, session=session)
    assert [d.icd_code for d in record.diagnoses] == ["I10"]
    html = page(client, session)
    assert 'value="Fever"' in html
    assert 'name="complaint_text_2"' in html  # a new blank row: Enter there adds the next complaint


def test_a_refusal_keeps_every_input_and_saves_nothing(client, doctor, session):
    client.force_login(doctor)
    answer = client.post(record_url(session), {"complaint_text_1": "Cough", "history": "x" * 4001})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'value="Cough"' in html
    assert "x" * 4001 in html
    assert "4000 characters" in html
    assert not ConsultationRecord.objects.exists()


def test_autosave_answers_with_the_status_line_only(client, doctor, session, hospital):
    client.force_login(doctor)
    answer = client.post(record_url(session), {"examination": "Chest clear"}, **AUTOSAVE)
    assert answer.status_code == 200
    assert "Saved" in answer.content.decode()
    assert "<form" not in answer.content.decode()
    assert record_for_session(hospital=hospital, session=session).examination == "Chest clear"
    refused = client.post(record_url(session), {"follow_up_days": "999"}, **AUTOSAVE)
    assert "Not saved" in refused.content.decode()


def test_a_pick_adds_a_line_and_htmx_gets_the_section_back(client, doctor, session, hospital):
    client.force_login(doctor)
    answer = client.post(record_url(session), {"pick_complaint": "Headache", "pick_investigation": "CBC"}, **HTMX)
    assert answer.status_code == 200
    assert 'id="record"' in answer.content.decode()
    record = record_for_session(hospital=hospital, session=session)
    assert [c.text for c in record.complaints] == ["Headache"]
    assert [i.text for i in record.investigations] == ["CBC"]


def test_icd_search_lists_matches_for_the_page(client, doctor, session):
    client.force_login(doctor)
    answer = client.get(reverse("opd:icd10", args=[session.pk]), {"icd_q": "DM2"}, **HTMX)
    assert 'value="E11"' in answer.content.decode()


def test_another_doctor_cannot_write_or_search_in_the_session(client, other_doctor, session):
    client.force_login(other_doctor)
    assert client.post(record_url(session), {"history": "x"}).status_code == 403
    assert client.get(reverse("opd:icd10", args=[session.pk]), {"icd_q": "HTN"}).status_code == 403
    assert not AuditEvent.objects.filter(action="consultation.record_update").exists()


def test_another_hospitals_session_is_404(client, other_hospital, session):
    from apps.accounts.tests.factories import UserFactory
    from common.constants import Role

    client.force_login(UserFactory(role=Role.DOCTOR, hospital=other_hospital))
    assert client.post(record_url(session), {"history": "x"}).status_code == 404


def test_a_completed_session_shows_the_notes_read_only(client, doctor, hospital):
    visit = VisitFactory(hospital=hospital, doctor=doctor)
    PatientVitalsFactory(visit=visit)
    done = ConsultationSessionFactory(visit=visit, session_number=1, completed=True)
    client.force_login(doctor)
    html = page(client, done)
    assert 'id="record-form"' not in html
    assert client.post(record_url(done), {"history": "x"}).status_code == 400


def _earlier_visits(session, count):
    """`count` earlier visits of the session's patient, each with notes, a diagnosis and a medicine."""
    from apps.consultations.models import Complaint, Diagnosis
    from apps.prescriptions.tests.factories import PrescriptionFactory, PrescriptionItemFactory

    patient, hospital = session.visit.patient, session.hospital
    for n, visit in enumerate(
        VisitFactory.create_batch(count, hospital=hospital, patient=patient, doctor=session.doctor)
    ):
        # Made before the session's own visit: the page lists only the visits made before it.
        visit.created_at = session.visit.created_at - timedelta(days=n + 1)
        visit.save(update_fields=["created_at"])
        PatientVitalsFactory(visit=visit)
        earlier = ConsultationSessionFactory(visit=visit, session_number=1, completed=True)
        record = ConsultationRecord.objects.create(hospital=hospital, session=earlier, history="Old notes")
        Complaint.objects.create(hospital=hospital, record=record, position=1, text="Fever", duration="2 days")
        Diagnosis.objects.create(hospital=hospital, record=record, position=1, icd_code="I10", text="Hypertension")
        prescription = PrescriptionFactory(visit=visit)
        PrescriptionItemFactory(prescription=prescription, session=earlier)


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_patient_with_many_visits_costs_the_same_queries_as_one_with_few(
    client, doctor, session, django_assert_max_num_queries
):
    client.force_login(doctor)
    url = reverse("opd:session", args=[session.pk])
    _earlier_visits(session, 5)
    few = _queries(client, url)
    _earlier_visits(session, 45)
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    assert html.count('data-testid="timeline-visit"') == 10  # a page of the timeline
    assert "I10" in html
    assert "Next" in html


def test_the_chart_shows_the_doctor_the_notes_and_pages_them(client, doctor, receptionist, session):
    _earlier_visits(session, 3)
    url = reverse("visits:patient", args=[session.visit.patient_id])
    client.force_login(doctor)
    assert "Hypertension" in client.get(url).content.decode()
    client.force_login(receptionist)
    assert "Hypertension" not in client.get(url).content.decode()


def test_notes_with_markup_render_as_text_on_the_page_and_the_chart(client, doctor, session, hospital):
    from apps.consultations.services import update_consultation_record

    hostile = "<script>alert(1)</script>"
    update_consultation_record(by=doctor, session=session, history=hostile, complaints=[{"text": hostile}])
    client.force_login(doctor)
    for url in (reverse("opd:session", args=[session.pk]), reverse("visits:patient", args=[session.visit.patient_id])):
        html = client.get(url).content.decode()
        assert hostile not in html
    page = client.get(reverse("opd:session", args=[session.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
