"""The A5 print carries the consultation's notes in SPEC §9's order, and says when the review is a follow-up."""

import pytest
from django.urls import reverse

from apps.consultations.services import update_consultation_record
from apps.opd.services import complete_consultation, start_consultation
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.services import add_prescription_item
from apps.visits.services import create_visit_with_vitals, move_visit, start_follow_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def printed(hospital, receptionist, doctor):
    from apps.patients.services import create_patient

    patient = create_patient(by=receptionist, full_name="Meera Iyer", age=52, gender="F")
    visit = create_visit_with_vitals(
        by=receptionist, patient=patient, doctor=doctor, vitals={"blood_pressure": "150/95"}
    )
    session = start_consultation(by=doctor, session=visit.sessions.get())
    update_consultation_record(
        by=doctor,
        session=session,
        complaints=[{"text": "Headache", "duration": "2 weeks"}],
        diagnoses=[{"icd_code": "I10", "certainty": "confirmed"}],
        investigations=["Lipid profile"],
        advice="Salt restriction",
        follow_up_days=3,
    )
    for n in range(12):
        add_prescription_item(
            by=doctor,
            session=session,
            medicine_name=f"Medicine {n}",
            dosage="5 mg",
            frequency="1-0-0",
            duration="30 days",
        )
    complete_consultation(by=doctor, session=session)
    return DispenseRecord.objects.get(session=session)


def test_the_print_shows_the_notes_in_order_and_the_follow_up_of_this_visit(client, medical_staff, printed):
    client.force_login(medical_staff)
    html = client.get(reverse("pharmacy:print_view", args=[printed.pk])).content.decode()
    order = ["Meera Iyer", "Vitals:", "Headache × 2 weeks", "Essential (primary) hypertension (I10)", "Medicine 0",
             "Lipid profile", "Salt restriction", "a follow-up of this visit", "Doctor’s signature"]  # fmt: skip
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert html.count('data-testid="print-item"') == 12


def test_a_review_after_the_visits_validity_is_not_called_a_follow_up_of_it(client, medical_staff, printed, doctor):
    printed.session.record.follow_up_days = 30
    printed.session.record.save(update_fields=["follow_up_days"])
    client.force_login(medical_staff)
    html = client.get(reverse("pharmacy:print_view", args=[printed.pk])).content.decode()
    assert "Follow-up:" in html
    assert "a follow-up of this visit" not in html


def test_after_a_follow_up_moves_to_another_doctor_the_first_sessions_print_still_carries_its_own_doctor(
    client, api_as, medical_staff, receptionist, printed, doctor, other_doctor
):
    # The doctor who wrote and signs session 1's prescription, whatever doctor the visit has since.
    type(doctor).objects.filter(pk=doctor.pk).update(registration_number="MMC/111", signature_text="Signed A. Rao")
    type(doctor).objects.filter(pk=other_doctor.pk).update(
        first_name="Vikram", last_name="Singh", registration_number="DMC/222", signature_text="Signed V. Singh"
    )
    follow_up = start_follow_up(by=receptionist, visit=printed.session.visit)
    move_visit(by=receptionist, visit=follow_up.visit, doctor=other_doctor)

    client.force_login(medical_staff)
    for page in ("pharmacy:print_view", "pharmacy:detail", "pharmacy:labels"):
        html = client.get(reverse(page, args=[printed.pk])).content.decode()
        assert "Asha Rao" in html, page
        assert "Vikram Singh" not in html, page
    printed_html = client.get(reverse("pharmacy:print_view", args=[printed.pk])).content.decode()
    assert ("MMC/111" in printed_html, "Signed A. Rao" in printed_html, "DMC/222" in printed_html) == (
        True,
        True,
        False,
    )
    listed = client.get(reverse("pharmacy:list")).content.decode()
    assert "Asha Rao" in listed
    assert "Vikram Singh" not in listed
    api = api_as(medical_staff)
    assert api.get(f"/api/v1/pharmacy/dispense-records/{printed.pk}/").json()["doctor"]["id"] == doctor.pk
    records = api.get("/api/v1/pharmacy/dispense-records/").json()["results"]
    assert [r["doctor"]["id"] for r in records if r["id"] == printed.pk] == [doctor.pk]


def test_a_formulary_medicine_prints_under_its_generic_name_in_capitals_then_as_written(
    client, medical_staff, hospital, receptionist, doctor
):
    from apps.formulary.tests.factories import FormularyEntryFactory
    from apps.patients.services import create_patient

    entry = FormularyEntryFactory(hospital=hospital, generic_name="Paracetamol", strength="650 mg", form="tablet")
    patient = create_patient(by=receptionist, full_name="Ravi Kumar", age=40, gender="M")
    visit = create_visit_with_vitals(by=receptionist, patient=patient, doctor=doctor, vitals={})
    session = start_consultation(by=doctor, session=visit.sessions.get())
    add_prescription_item(by=doctor, session=session, medicine_name="Dolo", dosage="650 mg", frequency="1-0-1",
                          duration="3 days", formulary_entry=entry)  # fmt: skip
    add_prescription_item(by=doctor, session=session, medicine_name="Herbal tonic", dosage="10 ml", frequency="BD",
                          duration="5 days")  # fmt: skip
    complete_consultation(by=doctor, session=session)
    client.force_login(medical_staff)
    record = DispenseRecord.objects.get(session=session)
    html = client.get(reverse("pharmacy:print_view", args=[record.pk])).content.decode()
    assert '<strong data-testid="generic-name">PARACETAMOL</strong>' in html
    assert html.index("PARACETAMOL") < html.index("Dolo")
    assert "<strong>Herbal tonic</strong>" in html  # not in the formulary: as written
