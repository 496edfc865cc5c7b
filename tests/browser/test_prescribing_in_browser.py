"""Prescribing through the browser (SPEC §10): the doctor types a misspelt medicine, picks the catalogue
entry, changes 1-0-1 to 1-1-1 and completes; the pharmacy sees the computed quantity, and a Hindi-speaking
patient's labels show the timing in Hindi, drawn in the app's own Devanagari font (not boxes): the
screenshot pharmacy-labels-hindi-<size>.png shows it (`make screenshots`: docs/screenshots/)."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.formulary.tests.factories import FormularyEntryFactory
from apps.patients.tests.factories import PatientFactory
from apps.pharmacy.models import DispenseRecord
from apps.visits.tests.factories import PatientVitalsFactory, VisitFactory
from common.constants import Role
from tests.browser.test_opd_day_in_browser import Browser, clinic, screenshots  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_prescribing_from_the_formulary_and_a_hindi_label(browser, live_server, clinic, size, screenshots):  # noqa: F811 (pytest passes the imported fixtures by name)
    doctor = User.objects.get(username="doc", role=Role.DOCTOR)
    FormularyEntryFactory(
        hospital=clinic, generic_name="Paracetamol", strength="500 mg", brand_names="Calpol", pack_size=10,
        default_dose_pattern="1-0-1", default_food_relation="after", default_duration_value=5,
        default_duration_unit="days",
    )  # fmt: skip
    patient = PatientFactory(hospital=clinic, full_name="Ramesh Jadhav", preferred_language="hi")
    visit = VisitFactory(hospital=clinic, doctor=doctor, patient=patient)
    PatientVitalsFactory(visit=visit)
    session = ConsultationSessionFactory(visit=visit, session_number=1, started=True)
    shots = screenshots

    me = Browser(browser, live_server, size, "doc", shots)
    me.goto(f"/consultations/sessions/{session.pk}/")
    me.page.locator("#id_medicine_name").press_sequentially("paracetmol", delay=20)
    suggestion = me.page.get_by_test_id("suggestion").first
    expect(suggestion).to_contain_text("Paracetamol 500 mg tablet")
    suggestion.click()
    expect(me.page.locator("#id_dosage")).to_have_value("500 mg")
    expect(me.page.locator("#id_frequency")).to_have_value("1-0-1")
    me.page.locator("#id_frequency").fill("1-1-1")
    me.page.get_by_role("button", name="Add medicine").click()
    expect(me.page.locator("#prescription .alert").first).to_contain_text("Added Paracetamol.")
    me.page.get_by_role("button", name="Complete consultation").click()
    me.fits()
    me.close()

    pharmacy = Browser(browser, live_server, size, "pharma", shots)
    record = DispenseRecord.objects.get(session=session)
    pharmacy.goto(f"/pharmacy/records/{record.pk}/")
    expect(pharmacy.page.get_by_test_id("quantity").first).to_have_text("20")  # 15 tablets: two strips of 10
    pharmacy.goto(f"/pharmacy/records/{record.pk}/labels/")
    words = pharmacy.page.get_by_test_id("label-dose-words").first
    expect(words).to_contain_text("सुबह 1 · दोपहर 1 · रात 1 — खाने के बाद — 5 दिन")
    pharmacy.page.evaluate("document.fonts.ready")
    assert pharmacy.page.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'सुबह')")
    family = words.evaluate("element => getComputedStyle(element).fontFamily")
    assert "Noto Sans Devanagari" in family
    pharmacy.screenshot("pharmacy-labels-hindi")
    pharmacy.close()
