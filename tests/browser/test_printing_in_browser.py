"""The prescription and its labels printed to PDF by Chromium, counting pages (SPEC §5, §9).

Found by a tester printing from headless Chromium: 2 medicines printed a blank second A5 page, 4 sent the QR
code and the signature to page 2, and every label on the 62 × 40 mm roll was followed by a blank one or one
holding only its spilled last line. Ten medicines fit on one A5 page with the doctor's block; N medicines are
N roll labels, each holding all of its lines; and on a phone the print view's medicines are blocks, not a
table scrolled sideways (the print keeps its table)."""

import re

import pytest

from apps.accounts.models import User
from apps.consultations.services import update_consultation_record
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.services import create_patient, record_allergy
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.services import add_prescription_item
from apps.visits.services import create_visit_with_vitals
from common.constants import Role
from tests.browser.test_opd_day_in_browser import Browser, clinic, screenshots  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEDICINES = [
    ("Paracetamol", "650 mg", "1-0-1", "after", 5, "days", ""),
    ("Cetirizine", "10 mg", "0-0-1", "after", 5, "days", ""),
    ("Pantoprazole", "40 mg", "1-0-0", "before", 14, "days", "before breakfast"),
    ("Syrup Benadryl", "5 ml", "1-0-1", "after", 5, "days", ""),
    ("Amoxicillin", "500 mg", "1-1-1", "after", 7, "days", "complete the course"),
    ("Metformin", "500 mg", "1-0-1", "after", 30, "days", ""),
    ("Vitamin D3", "60000 IU", "1-0-0", "after", 8, "weeks", "once a week, with milk"),
    ("Montelukast", "10 mg", "0-0-1", "", 10, "days", ""),
    ("Ondansetron", "4 mg", "1-0-1", "before", 3, "days", "if vomiting"),
    ("Azithromycin", "500 mg", "1-0-0", "", 3, "days", ""),
]


def record_with(hospital, medicines: int) -> DispenseRecord:
    """A full consultation, as a busy OPD writes it: an allergy, two complaints and two diagnoses, an
    investigation, two lines of advice, a follow-up, and the medicines in Hindi too."""
    desk = User.objects.get(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = User.objects.get(hospital=hospital, role=Role.DOCTOR)
    patient = create_patient(by=desk, full_name="Meera Joshi", age=40, gender="F", preferred_language="hi")
    record_allergy(by=desk, patient=patient, substance="Sulfa drugs", kind="drug", severity="moderate", reaction="rash")
    vitals = {
        "blood_pressure": "132/86",
        "pulse_rate": 88,
        "temperature_c": "38.4",
        "height_cm": "158",
        "weight_kg": "61.5",
    }
    visit = create_visit_with_vitals(by=desk, patient=patient, doctor=doctor, vitals=vitals)
    session = start_consultation(by=doctor, session=visit.sessions.get())
    update_consultation_record(
        by=doctor,
        session=session,
        complaints=[{"text": "Fever", "duration": "3 days"}, {"text": "Cough"}],
        diagnoses=[{"icd_code": "J06.9", "certainty": "provisional"}, {"icd_code": "I10", "certainty": "provisional"}],
        investigations=[{"text": "CBC"}],
        advice="Plenty of oral fluids\nSteam inhalation twice a day",
        follow_up_days=5,
    )
    for name, dosage, pattern, food, value, unit, instructions in MEDICINES[:medicines]:
        add_prescription_item(
            by=doctor, session=session, medicine_name=name, dosage=dosage, dose_pattern=pattern, dose_unit="tablet",
            food_relation=food, duration_value=value, duration_unit=unit, instructions=instructions,
        )  # fmt: skip
    complete_consultation(by=doctor, session=session)
    return DispenseRecord.objects.get(session=session)


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def printed(me: Browser, path: str) -> bytes:
    me.goto(path)
    me.page.evaluate("document.fonts.ready")
    return me.page.pdf(prefer_css_page_size=True)


@pytest.mark.parametrize("medicines", [2, 4, 10])
def test_the_prescription_prints_on_one_a5_page_with_the_doctors_block(
    browser,
    live_server,
    clinic,  # noqa: F811 (the imported fixture, asked for by name)
    screenshots,  # noqa: F811 (the imported fixture, asked for by name)
    medicines,
):
    record = record_with(clinic, medicines)
    me = Browser(browser, live_server, "desktop", "pharma", screenshots)
    pdf = printed(me, f"/pharmacy/records/{record.pk}/print-view/")
    assert re.search(rb"/MediaBox \[0 0 (419\.\d+|420) 59[45]\.", pdf), "the prescription prints on A5"
    assert pages(pdf) == 1, f"{medicines} medicines printed on {pages(pdf)} A5 pages"
    me.close()


@pytest.mark.parametrize("medicines", [1, 4])
def test_each_medicine_is_one_roll_label_holding_all_its_lines(
    browser,
    live_server,
    clinic,  # noqa: F811 (the imported fixture, asked for by name)
    screenshots,  # noqa: F811 (the imported fixture, asked for by name)
    medicines,
):
    record = record_with(clinic, medicines)
    me = Browser(browser, live_server, "desktop", "pharma", screenshots)
    pdf = printed(me, f"/pharmacy/records/{record.pk}/labels/?layout=roll")
    assert re.search(rb"/MediaBox \[0 0 17[56]\.\d+ 11[23]\.", pdf), "the labels print on 62 × 40 mm"
    assert pages(pdf) == medicines
    me.page.emulate_media(media="print")
    clipped = me.page.evaluate(
        "[...document.querySelectorAll('.label-card')].filter(l => l.scrollHeight > l.clientHeight).length"
    )
    assert clipped == 0, "a label's last lines are cut off"
    sheet = printed(me, f"/pharmacy/records/{record.pk}/labels/?layout=sheet")
    assert pages(sheet) == 1, "the A4 sheet still holds them all"
    me.close()


def test_on_a_phone_the_print_views_medicines_are_blocks_with_their_instructions_in_view(
    browser,
    live_server,
    clinic,  # noqa: F811 (the imported fixture, asked for by name)
    screenshots,  # noqa: F811 (the imported fixture, asked for by name)
):
    record = record_with(clinic, 4)
    me = Browser(browser, live_server, "phone", "pharma", screenshots)
    me.goto(f"/pharmacy/records/{record.pk}/print-view/")
    width = me.page.viewport_size["width"]
    for testid in ("quantity", "dose-words"):
        for box in (cell.bounding_box() for cell in me.page.get_by_test_id(testid).all()):
            assert box["x"] >= 0, f"{testid} is off the screen: {box}"
            assert box["x"] + box["width"] <= width, f"{testid} is off the screen: {box}"
    instructions = me.page.locator(".rx-items td[data-label=Instructions]").first
    assert instructions.bounding_box()["x"] + instructions.bounding_box()["width"] <= width
    assert "Pantoprazole" in me.page.get_by_test_id("prescription").inner_text()
    me.screenshot("pharmacy-print-view")
    me.close()
