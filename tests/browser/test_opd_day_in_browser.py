"""One whole OPD day through the browser only, on a desktop and on a phone.

The front desk registers a patient and opens a visit with vitals (refused first: bad blood
pressure); the doctor finds the patient in the queue, adds two medicines (a duplicate is refused),
stops one and completes; the pharmacy prints, prints labels and dispenses (a second dispense from
a stale page is refused); the hospital admin sees the day's counts change and is refused a staff
member beyond the limit. On every page: no horizontal scrolling. Screenshots of each role's main
pages are written to screenshots/ at each size (`make screenshots` refreshes the README's copies in
docs/screenshots/).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from common.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every run writes the screenshots to screenshots/ (not committed: the pages show the time, so they differ
# each run); `make screenshots` writes them to docs/screenshots/, the copies the README shows.
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def screenshots() -> Path:
    return ROOT / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "screenshots")


VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def clinic(db):
    hospital = HospitalFactory(
        name="Sanjeevani Clinic", max_doctors=1, address="14 Station Road, Nashik", phone="0253 2570000"
    )
    # Fixed names, so that the screenshots change only when the pages do.
    for role, username, first_name, last_name, of in [
        (Role.SUPER_ADMIN, "platform", "Platform", "Team", None),
        (Role.HOSPITAL_ADMIN, "admin", "Meera", "Kulkarni", hospital),
        (Role.RECEPTIONIST, "desk", "Sunita", "Patil", hospital),
        (Role.DOCTOR, "doc", "Asha", "Rao", hospital),
        (Role.MEDICAL_STAFF, "pharma", "Imran", "Shaikh", hospital),
    ]:
        UserFactory(role=role, username=username, first_name=first_name, last_name=last_name, hospital=of)
    HospitalFactory(name="Lotus Hospital", address="3 Lake Road, Pune")
    return hospital


class Browser:
    """One person at one screen: logs in, goes places, and checks every page fits the screen."""

    def __init__(self, browser, live_server, size: str, username: str, screenshots: Path):
        self.size = size
        self.screenshots = screenshots
        self.base = live_server.url
        self.context = browser.new_context(viewport=VIEWPORTS[size])
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        # The Content-Security-Policy forbids inline script and style: a violation means a broken page.
        self.csp_violations: list[str] = []
        self.page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and self.csp_violations.append(message.text),
        )
        self.page.goto(self.base + "/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", TEST_PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.fits()

    def goto(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.fits()
        return self.page

    def fits(self, page: Page | None = None) -> None:
        page = page or self.page
        page.wait_for_load_state()
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{page.url} scrolls sideways at {self.size}: {width}"
        # Nor does a list table (Bootstrap's .table) in its own box: that sideways scroll hides the last
        # columns and buttons (on a phone the rows stack instead, app.css .table-stack). Named by test id.
        scrolling = page.evaluate(
            """[...document.querySelectorAll('body *')].filter(box =>
                box.scrollWidth > box.clientWidth
                && !['visible', 'hidden', 'clip'].includes(getComputedStyle(box).overflowX)
                && box.querySelector('table.table')
            ).map(box => {
                const table = box.querySelector('table.table');
                const name = table.dataset.testid || table.tHead?.innerText.replace(/\\s+/g, ' ').trim();
                return `${name}: ${box.scrollWidth} px in ${box.clientWidth}`;
            })"""
        )
        assert not scrolling, f"{page.url}: tables scroll sideways at {self.size}: {scrolling}"
        # A navbar label is read as one word: "Fees and / prices" broken over lines reads as two entries.
        broken = page.evaluate(
            """[...document.querySelectorAll('#main-nav .nav-link')].filter(link => {
                const text = document.createRange();
                text.selectNodeContents(link);
                return link.offsetParent !== null && text.getClientRects().length > 1;
            }).map(link => link.innerText)"""
        )
        assert not broken, f"{page.url}: navbar labels broken over lines at {self.size}: {broken}"
        assert not self.csp_violations, f"{page.url}: {self.csp_violations}"

    def submit(self, button: str, /, **fields: str) -> None:
        """Fill the form's fields by name (a <select> by its option's value) and press `button`."""
        for name, value in fields.items():
            field = self.page.locator(f"#id_{name}")
            if field.evaluate("element => element.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        self.page.get_by_role("button", name=button, exact=True).click()
        self.fits()

    def screenshot(self, name: str) -> None:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{name}-{self.size}.png"
        self.page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 0

    def nav(self, label: str) -> None:
        """Follow a navbar link; on a phone the menu is collapsed behind its toggler first."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
        self.page.locator("#main-nav").get_by_role("link", name=label).click()
        self.fits()

    def close(self) -> None:
        self.context.close()


def counts(admin: Browser) -> dict[str, int]:
    admin.goto("/consultations/dashboard/")
    return {
        key: int(admin.page.locator(f"[data-count={key}]").inner_text())
        for key in ("visits", "waiting", "in_consultation", "completed", "dispensed")
    }


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_whole_opd_day_in_the_browser(browser, live_server, clinic, size, screenshots):
    people = []

    def log_in(username):
        person = Browser(browser, live_server, size, username, screenshots)
        people.append(person)
        return person

    try:
        # The super admin's hospitals; the hospital admin's roster and the empty day.
        root = log_in("platform")
        expect(root.page.get_by_role("heading", name="Hospitals")).to_be_visible()
        expect(root.page.get_by_text("Sanjeevani Clinic")).to_be_visible()
        root.screenshot("super-admin-hospitals")

        admin = log_in("admin")
        expect(admin.page.get_by_role("heading", name="Staff of Sanjeevani Clinic")).to_be_visible()
        admin.nav("Add staff")
        admin.submit("Save", role=Role.DOCTOR, username="doc2", first_name="Ravi", password="a-long-enough-password")
        # Refused: the hospital may have one active doctor, and has one. The input is kept.
        expect(admin.page.get_by_role("alert")).to_contain_text("at most 1 active doctor")
        expect(admin.page.locator("#id_first_name")).to_have_value("Ravi")
        admin.goto("/staff/")
        expect(admin.page.get_by_text("Limit reached")).to_be_visible()
        admin.screenshot("hospital-admin-staff")
        before = counts(admin)
        assert before == dict.fromkeys(before, 0)

        # Front desk: register, then a visit with vitals (refused first for a bad blood pressure).
        desk = log_in("desk")
        expect(desk.page.get_by_role("heading", name="Find a patient")).to_be_visible()
        desk.nav("Register patient")
        desk.submit("Save", full_name="Kavya Menon", age="31", gender="F", phone_number="98450 12345")
        expect(desk.page.get_by_role("status")).to_contain_text("Registered Kavya Menon as P-000001.")
        desk.page.select_option("#id_doctor", label="Dr. Asha Rao")
        desk.submit("Create visit", height_cm="160", weight_kg="64", blood_pressure="80/120", pulse_rate="72")
        expect(desk.page.locator("#id_blood_pressure_error")).to_contain_text("Diastolic pressure must be lower")
        expect(desk.page.locator("#id_height_cm")).to_have_value("160")
        desk.submit("Create visit", blood_pressure="118/76")
        expect(desk.page.get_by_role("status")).to_contain_text("token 1 with Dr. Asha Rao")
        desk.nav("Front desk")
        # The queues' table reads whole on a phone too: no column hidden behind its own sideways scroll.
        queues = desk.page.get_by_test_id("queue-overview").locator(".table-responsive")
        assert queues.evaluate("box => box.scrollWidth <= box.clientWidth"), f"the queues table scrolls at {size}"
        today = desk.page.locator("table", has_text="Kavya Menon")
        expect(today).to_contain_text("Waiting")
        expect(today.locator(".token")).to_have_text("1")
        desk.screenshot("receptionist-front-desk")

        # The doctor: the queue, the consultation with htmx add/stop, complete.
        doctor = log_in("doc")
        queue = doctor.page.get_by_test_id("queue")
        expect(queue).to_contain_text("Kavya Menon")
        expect(queue).to_contain_text("BP 118/76")
        doctor.screenshot("doctor-queue")
        queue.get_by_text("Kavya Menon").click()
        doctor.fits()
        expect(doctor.page.get_by_text("BMI")).to_be_visible()
        # Opening the page only reads it: the doctor starts the consultation with a POST.
        expect(doctor.page.get_by_text("Start the consultation to write the prescription.")).to_be_visible()
        doctor.page.get_by_role("button", name="Start consultation").click()
        expect(doctor.page.get_by_role("button", name="Complete consultation")).to_be_visible()
        # A marker on the window survives only if the page is never reloaded: htmx swaps the section.
        doctor.page.evaluate("window.stillTheSamePage = true")
        # The notes, from the keyboard: a complaint saves as it is typed (the status line says so), Enter
        # in the ICD-10 search adds its first match (HTN → I10), a pick adds a complaint; no reload.
        notes = doctor.page.locator("#record")
        doctor.page.fill("#complaint_text_1", "Fever")
        doctor.page.locator("#complaint_duration_1").press_sequentially("3 days")
        expect(doctor.page.get_by_test_id("record-status")).to_contain_text("Saved")
        doctor.page.locator("#icd_q").press_sequentially("HTN")
        expect(notes.get_by_test_id("icd-result").first).to_contain_text("I10")
        doctor.page.locator("#icd_q").press("Enter")
        expect(notes.locator("#diagnosis_icd_code_1")).to_have_value("I10")
        expect(notes.locator("#diagnosis_text_1")).to_have_value("Essential (primary) hypertension")
        notes.get_by_role("button", name="Headache", exact=True).first.click()
        expect(notes.locator("#complaint_text_2")).to_have_value("Headache")
        expect(notes.locator("#complaint_text_1")).to_have_value("Fever")
        doctor.fits()
        prescription = doctor.page.locator("#prescription")
        for medicine, dosage, frequency, duration, instructions, answer in [
            ("Paracetamol", "500 mg", "1-0-1", "5 days", "after food", "Added Paracetamol."),
            ("Cetirizine", "10 mg", "0-0-1", "3 days", "at night", "Added Cetirizine."),
            ("PARACETAMOL", "650 mg", "1-1-1", "3 days", "", "already on this prescription"),
        ]:
            doctor.submit(
                "Add medicine",
                medicine_name=medicine,
                dosage=dosage,
                frequency=frequency,
                duration=duration,
                instructions=instructions,
            )
            expect(prescription.locator(".alert").first).to_contain_text(answer)
            doctor.fits()
        # The duplicate was refused inside the section, and the doctor's input is still there.
        expect(doctor.page.locator("#id_medicine_name")).to_have_value("PARACETAMOL")
        expect(doctor.page.locator("#id_dosage")).to_have_value("650 mg")
        # Every medicine whole on screen, its Stop button too: on a phone the rows stack (app.css .table-stack).
        medicines = prescription.locator(".table-responsive")
        assert medicines.evaluate("box => box.scrollWidth <= box.clientWidth"), f"the medicines scroll at {size}"
        doctor.page.get_by_role("button", name="Stop Cetirizine").click()
        expect(prescription.get_by_role("status")).to_contain_text("Stopped Cetirizine.")
        expect(prescription.get_by_test_id("item")).to_have_count(2)
        expect(prescription.locator(".text-decoration-line-through")).to_contain_text("Cetirizine")
        assert doctor.page.evaluate("window.stillTheSamePage") is True
        doctor.screenshot("doctor-consultation")
        doctor.page.get_by_role("button", name="Complete consultation").click()
        doctor.fits()
        expect(doctor.page.get_by_role("status")).to_contain_text("Consultation with Kavya Menon completed.")
        expect(doctor.page.get_by_test_id("queue")).to_contain_text("Nobody is waiting for you.")

        # The pharmacy: print (A5), labels, dispense; a second dispense from a stale page is refused.
        pharmacy = log_in("pharma")
        records = pharmacy.page.get_by_test_id("records")
        expect(records).to_contain_text("Kavya Menon")
        expect(records).to_contain_text("To print")
        pharmacy.screenshot("pharmacy-list")
        records.get_by_text("Kavya Menon").click()
        pharmacy.fits()
        detail_url = pharmacy.page.url
        pharmacy.page.get_by_role("button", name="Print").click()
        pharmacy.fits()
        sheet = pharmacy.page.get_by_test_id("prescription")
        for text in ("Sanjeevani Clinic", "14 Station Road", "Kavya Menon", "P-000001", "Dr. Asha Rao", "BP 118/76"):
            expect(sheet).to_contain_text(text)
        expect(sheet).to_contain_text("Paracetamol")
        expect(sheet).to_contain_text("after food")
        expect(sheet).not_to_contain_text("Cetirizine")
        expect(sheet).to_contain_text("Fever × 3 days")
        expect(sheet).to_contain_text("Essential (primary) hypertension (I10)")
        expect(sheet).to_contain_text("Doctor’s signature")
        pharmacy.screenshot("pharmacy-print")
        pharmacy.page.get_by_role("link", name="Medicine labels").click()
        pharmacy.fits()
        labels = pharmacy.page.locator(".label-card")
        expect(labels).to_have_count(1)
        expect(labels.first).to_contain_text("Paracetamol")
        expect(labels.first).to_contain_text("P-000001")
        stale = pharmacy.context.new_page()
        stale.goto(detail_url)
        pharmacy.page.goto(detail_url)
        pharmacy.page.get_by_role("button", name="Mark dispensed").click()
        pharmacy.fits()
        expect(pharmacy.page.get_by_role("status")).to_contain_text("Dispensed to Kavya Menon.")
        stale.get_by_role("button", name="Mark dispensed").click()
        pharmacy.fits(stale)
        expect(stale.get_by_role("alert")).to_contain_text(re.compile("Already dispensed by pharma"))

        # The hospital admin sees the day move.
        assert counts(admin) == {"visits": 1, "waiting": 0, "in_consultation": 0, "completed": 1, "dispensed": 1}
        admin.screenshot("hospital-admin-dashboard")
    finally:
        for person in people:
            person.close()
