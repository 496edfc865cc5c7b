"""The print and the labels give each structured item's timing, food and duration in the patient's language."""

import pytest
from django.urls import reverse

from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.opd.services import complete_consultation
from apps.patients.tests.factories import PatientFactory
from apps.pharmacy.selectors import dispense_record_list
from apps.prescriptions.services import add_prescription_item
from apps.visits.tests.factories import PatientVitalsFactory, VisitFactory

pytestmark = pytest.mark.django_db
DOSE = {"dosage": "500 mg", "dose_pattern": "1-0-1", "food_relation": "after", "duration_value": 5,
        "duration_unit": "days"}  # fmt: skip


@pytest.fixture
def record(hospital, doctor):
    def make(language):
        patient = PatientFactory(hospital=hospital, preferred_language=language)
        visit = VisitFactory(hospital=hospital, doctor=doctor, patient=patient)
        PatientVitalsFactory(visit=visit)
        session = ConsultationSessionFactory(visit=visit, session_number=1, started=True)
        add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **DOSE)
        add_prescription_item(by=doctor, session=session, medicine_name="Old style", dosage="1", frequency="BD",
                              duration="3 days")  # fmt: skip
        complete_consultation(by=doctor, session=session)
        return next(
            r for r in dispense_record_list(hospital=hospital, status="pending") if r.prescription.visit_id == visit.pk
        )

    return make


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("hi", "सुबह 1 · दोपहर 0 · रात 1 — खाने के बाद — 5 दिन"),
        ("mr", "सकाळ 1 · दुपार 0 · रात्र 1 — जेवणानंतर — 5 दिवस"),
    ],
)
def test_print_and_labels_speak_the_patients_language(client, medical_staff, record, language, words):
    rec = record(language)
    client.force_login(medical_staff)
    for name in ("pharmacy:print_view", "pharmacy:labels"):
        page = client.get(reverse(name, args=[rec.pk])).content.decode()
        assert words in page
        assert "Old style" in page  # an item in the old shape prints as it was written
        assert "BD" in page


def test_an_english_speaking_patients_print_has_no_extra_line(client, medical_staff, record):
    rec = record("en")
    client.force_login(medical_staff)
    page = client.get(reverse("pharmacy:print_view", args=[rec.pk])).content.decode()
    assert 'data-testid="dose-words"' not in page
    assert "10" in page  # the quantity


def test_whatsapp_link_and_qr_carry_the_prescription_in_the_patients_language(client, medical_staff, record):
    from urllib.parse import unquote

    rec = record("hi")
    rec.prescription.visit.patient.phone_number = "9876543210"
    rec.prescription.visit.patient.save(update_fields=["phone_number"])
    client.force_login(medical_staff)
    page = client.get(reverse("pharmacy:detail", args=[rec.pk])).content.decode()
    link = page.split('href="https://wa.me/919876543210?text=')[1].split('"')[0]
    assert "खाने के बाद" in unquote(link.replace("&amp;", "&"))
    printed = client.get(reverse("pharmacy:print_view", args=[rec.pk])).content.decode()
    assert 'src="data:image/svg+xml' in printed


def test_no_whatsapp_link_without_a_mobile_number(client, medical_staff, record):
    rec = record("en")
    rec.prescription.visit.patient.phone_number = ""
    rec.prescription.visit.patient.save(update_fields=["phone_number"])
    client.force_login(medical_staff)
    page = client.get(reverse("pharmacy:detail", args=[rec.pk])).content.decode()
    assert "wa.me" not in page
