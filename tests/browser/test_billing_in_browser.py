"""Billing through the browser only (SPEC §12), on a desktop and a phone.

The hospital admin sets the fee; the front desk opens a visit and bills the fee with it, paid by UPI,
and prints the receipt on the 80 mm roll (as chromium's PDF); a follow-up inside validity is billed
free; the admin refunds the first bill; the front desk closes the day and its totals match the admin's
view of everyone's day. Every page fits the screen and breaks no Content-Security-Policy rule.
"""

import re

import pytest
from playwright.sync_api import expect

from apps.opd.services import complete_consultation, start_consultation
from apps.patients.services import create_patient
from apps.visits.models import Visit
from tests.browser.test_opd_day_in_browser import VIEWPORTS, Browser, clinic  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_billing_day_in_the_browser(browser, live_server, clinic, size, tmp_path):  # noqa: F811 (fixture)
    from apps.accounts.models import User

    people = []
    try:
        admin = Browser(browser, live_server, size, "admin", tmp_path)
        people.append(admin)
        admin.nav("Fees and prices")
        admin.submit("Save", default_consultation_fee="300", follow_up_fee="0")
        expect(admin.page.locator("#messages")).to_contain_text("Saved.")

        desk_user = User.objects.get(username="desk")
        patient = create_patient(by=desk_user, full_name="Kavita Deshmukh", age=52, gender="F")
        desk = Browser(browser, live_server, size, "desk", tmp_path)
        people.append(desk)
        desk.goto(f"/visits/patients/{patient.pk}/")
        desk.page.select_option("#id_doctor", label="Dr. Asha Rao")
        desk.submit(
            "Create visit and bill", pulse_rate="76", pay_amount="300", pay_mode="upi", pay_reference="UPI 88123"
        )
        expect(desk.page.locator("#messages")).to_contain_text("Receipt OPD/")
        expect(desk.page.get_by_test_id("balance")).to_contain_text("₹0.00")
        first_bill = desk.page.url

        desk.page.get_by_role("link", name="80 mm").click()
        desk.fits()
        expect(desk.page.get_by_test_id("receipt")).to_contain_text("Received ₹300.00 by UPI")
        desk.page.emulate_media(media="print")
        pdf = desk.page.pdf(prefer_css_page_size=True)
        desk.page.emulate_media(media="screen")
        # 80 mm = 226.77 pt: the roll's named @page sets the PDF's width.
        assert re.search(rb"/MediaBox \[0 0 22[67]\.", pdf), "the receipt prints on the 80 mm roll"

        # The doctor sees the patient paid, and completes the consultation (arranged: not what is tested here).
        visit = Visit.objects.get(patient=patient)
        doctor = visit.doctor
        complete_consultation(by=doctor, session=start_consultation(by=doctor, session=visit.sessions.get()))
        desk.goto(f"/visits/patients/{patient.pk}/")
        desk.page.get_by_role("button", name="Follow-up").click()
        desk.fits()
        desk.page.get_by_role("button", name="Bill", exact=True).click()
        desk.fits()
        expect(desk.page.get_by_test_id("lines")).to_contain_text("inside validity: free")
        expect(desk.page.get_by_test_id("balance")).to_contain_text("₹0.00")

        admin.goto(first_bill.removeprefix(live_server.url))
        admin.submit("Refund", amount="300", mode="upi", reference="UPI R-1", reason="Doctor called away")
        expect(admin.page.locator("#messages")).to_contain_text("voucher RFD/")
        expect(admin.page.get_by_test_id("balance")).to_contain_text("₹300.00")

        desk.nav("Day's cash")
        expect(desk.page.get_by_test_id("check")).to_contain_text("Adds up")
        desk.page.get_by_role("button", name=re.compile("Close my day")).click()
        desk.fits()
        expect(desk.page.locator("#messages")).to_contain_text("₹300.00 received − ₹0.00 refunded = ₹300.00")

        admin.nav("Cash")
        expect(admin.page.get_by_test_id("totals")).to_contain_text("₹300.00")
        expect(admin.page.get_by_test_id("check")).to_contain_text(
            "Receipts ₹300.00 − refunds ₹300.00 = collections ₹0.00"
        )
        # Even on a phone: each entry's receipt number and MRN read on one line ("OPD/2026-" / "27/000001"
        # broken is two numbers), and its amount is on screen without scrolling the table sideways.
        layout = admin.page.get_by_test_id("entries").evaluate(
            """table => {
              const amount = [...table.tHead.rows[0].cells].findIndex(th => th.innerText.trim() === 'Amount');
              return [...table.tBodies[0].rows].map(row => {
                const lines = cell => { const text = document.createRange(); text.selectNodeContents(cell);
                                        return text.getClientRects().length; };
                return [lines(row.cells[0].querySelector('a')), lines(row.cells[1]),
                        row.cells[amount].getBoundingClientRect().right <= window.innerWidth];
            }); }"""
        )
        assert layout and all(entry == [1, 1, True] for entry in layout), layout  # noqa: PT018 (one table)
        desk_row = admin.page.get_by_test_id("desk").get_by_role("row", name=re.compile("Sunita"))
        expect(desk_row).to_contain_text("Closed")
    finally:
        for person in people:
            person.close()
