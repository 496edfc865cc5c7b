"""Allergies through the browser (issue 15), on a desktop and a phone: the front desk records one, the doctor
sees it on the consultation page, is refused a matching medicine, overrides it with a reason and completes;
the pharmacy sees the allergy and the override on its list, the prescription, the print and the labels."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.accounts.tests.factories import UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.models import AllergyCategory
from apps.patients.services import record_allergy
from apps.patients.tests.factories import PatientFactory
from common.constants import Role
from tests.browser.test_opd_day_in_browser import VIEWPORTS, Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "Tolerated under observation last year"


@pytest.fixture
def clinic(db):
    hospital = HospitalFactory(name="Sanjeevani Clinic", address="14 Station Road, Nashik")
    for role, username, first_name, last_name in [
        (Role.RECEPTIONIST, "desk", "Sunita", "Patil"),
        (Role.DOCTOR, "doc", "Asha", "Rao"),
        (Role.MEDICAL_STAFF, "pharma", "Imran", "Shaikh"),
    ]:
        UserFactory(role=role, username=username, first_name=first_name, last_name=last_name, hospital=hospital)
    return PatientFactory(hospital=hospital, full_name="Kavya Menon")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_an_allergy_refusal_an_override_and_the_pharmacy_sees_both(browser, live_server, clinic, size, tmp_path):
    people = []

    def log_in(username):
        person = Browser(browser, live_server, size, username, tmp_path)
        people.append(person)
        return person

    try:
        desk = log_in("desk")
        desk.goto(f"/visits/patients/{clinic.pk}/")
        desk.page.get_by_role("link", name="Allergies and conditions").click()
        desk.fits()
        desk.submit("Record", substance="Penicillin", kind="drug", severity="severe", reaction="Rash all over")
        expect(desk.page.get_by_role("status")).to_contain_text("Recorded the allergy.")
        desk.goto(f"/visits/patients/{clinic.pk}/")
        expect(desk.page.get_by_test_id("allergy-banner")).to_contain_text("Allergy: Penicillin")
        desk.page.select_option("#id_doctor", label="Dr. Asha Rao")
        desk.submit("Create visit", pulse_rate="72")
        expect(desk.page.get_by_role("status")).to_contain_text("token 1 with Dr. Asha Rao")

        doctor = log_in("doc")
        doctor.page.get_by_test_id("queue").get_by_text("Kavya Menon").click()
        doctor.fits()
        expect(doctor.page.get_by_test_id("allergy-banner")).to_contain_text("Penicillin")
        expect(doctor.page.get_by_test_id("allergy-banner")).to_contain_text("severe")
        doctor.page.get_by_role("button", name="Start consultation").click()
        doctor.fits()
        prescription = doctor.page.locator("#prescription")
        medicine = {"medicine_name": "Penicillin V", "dosage": "250 mg", "frequency": "1-1-1", "duration": "5 days"}
        doctor.submit("Add medicine", **medicine)
        expect(prescription).to_contain_text("The patient is allergic to Penicillin")
        expect(doctor.page.locator("#id_medicine_name")).to_have_value("Penicillin V")  # the input is kept
        expect(prescription.get_by_test_id("item")).to_have_count(0)
        doctor.submit("Add medicine", allergy_override_reason=REASON)
        expect(prescription.get_by_role("status")).to_contain_text("Added Penicillin V (allergy overridden).")
        expect(prescription.get_by_test_id("allergy-override")).to_contain_text(REASON)
        doctor.page.get_by_role("button", name="Complete consultation").click()
        doctor.fits()
        expect(doctor.page.get_by_role("status")).to_contain_text("Consultation with Kavya Menon completed.")

        # A long list still wraps inside the pharmacy's list row on a phone (it once ran past 390 px).
        for condition in ("Dyslipidaemia", "Hypertension with left ventricular hypertrophy"):
            desk_user = User.objects.get(username="desk")
            record_allergy(by=desk_user, patient=clinic, category=AllergyCategory.CONDITION, substance=condition)
        pharmacy = log_in("pharma")  # fits(): nothing scrolls sideways
        records = pharmacy.page.get_by_test_id("records")
        expect(records.get_by_test_id("allergy-marker")).to_contain_text("Penicillin")
        expect(records.get_by_test_id("override-marker")).to_be_visible()
        records.get_by_text("Kavya Menon").click()
        pharmacy.fits()
        expect(pharmacy.page.get_by_test_id("allergy-banner")).to_contain_text("Penicillin")
        expect(pharmacy.page.get_by_test_id("allergy-override")).to_contain_text(REASON)
        pharmacy.page.get_by_role("button", name="Print").click()
        pharmacy.fits()
        sheet = pharmacy.page.get_by_test_id("prescription")
        expect(sheet.get_by_test_id("allergy-banner")).to_contain_text("Penicillin")
        expect(sheet.get_by_test_id("doctor-credentials")).to_contain_text("Reg. No.")
        pharmacy.page.get_by_role("link", name="Medicine labels").click()
        pharmacy.fits()
        expect(pharmacy.page.locator(".label-card").first).to_contain_text("Allergy overridden by the doctor")
    finally:
        for person in people:
            person.close()
