"""The waiting room through the browser (issue 17): two doctors, a TV display in a second browser context.

The front desk marks one of three waiting patients elderly; doctor A calls next and the display shows the
elderly patient's token within 2 seconds; A skips, calls again and starts; doctor B calls next and gets a
different patient, whose token the display shows in B's column.
"""

import pytest
from playwright.sync_api import expect

from apps.accounts.tests.factories import UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.services import create_patient
from apps.visits.services import create_visit_with_vitals
from apps.waitingroom.services import create_display_key
from common.constants import Role
from tests.browser.test_opd_day_in_browser import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_calls_reach_the_waiting_room_display_within_two_seconds(browser, live_server, tmp_path):
    hospital = HospitalFactory(name="Sanjeevani Clinic", max_doctors=2)
    admin = UserFactory(role=Role.HOSPITAL_ADMIN, hospital=hospital, username="admin")
    desk = UserFactory(role=Role.RECEPTIONIST, hospital=hospital, username="desk")
    a = UserFactory(role=Role.DOCTOR, hospital=hospital, username="doca", first_name="Asha", last_name="Rao")
    b = UserFactory(role=Role.DOCTOR, hospital=hospital, username="docb", first_name="Ravi", last_name="Kumar")
    # Three registrations: two with doctor A, one with doctor B.
    visits = [
        create_visit_with_vitals(
            by=desk, patient=create_patient(by=desk, full_name=name, age=age, gender="F"), doctor=doctor
        )
        for name, age, doctor in (("Kavya Menon", 31, a), ("Lakshmi Iyer", 78, a), ("Fatima Shaikh", 40, b))
    ]
    elderly = visits[1]
    _, key = create_display_key(by=admin, name="Waiting hall TV")

    tv_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    tv = tv_context.new_page()
    violations = []
    tv.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    people = []
    try:
        tv.goto(f"{live_server.url}/display/{key}/")
        column_a = tv.get_by_test_id("display-doctor").filter(has_text="Dr. Asha Rao")
        column_b = tv.get_by_test_id("display-doctor").filter(has_text="Dr. Ravi Kumar")
        expect(column_a.locator(".display-next")).to_contain_text("1")
        assert "Lakshmi" not in tv.content()

        front = Browser(browser, live_server, "desktop", "desk", tmp_path)
        people.append(front)
        front.goto("/visits/")
        form = front.page.locator(f"form[action='/visits/{elderly.pk}/priority/']")
        form.locator("select").select_option("elderly")
        form.get_by_role("button", name="Set").click()
        expect(front.page.get_by_role("status")).to_contain_text("priority elderly")

        doctor_a = Browser(browser, live_server, "desktop", "doca", tmp_path)
        people.append(doctor_a)
        doctor_a.page.get_by_test_id("call-next").click()
        expect(doctor_a.page.locator("[data-state=called]")).to_contain_text("Lakshmi Iyer")
        # On the TV within 2 s of the call: the elderly patient's token (2), called before token 1.
        expect(column_a.get_by_test_id("now-token")).to_have_text("2", timeout=2000)

        doctor_a.page.locator("[data-state=called]").get_by_role("button", name="Skip").click()
        expect(doctor_a.page.locator("#queue")).to_contain_text("back behind the next two")
        doctor_a.page.get_by_test_id("call-next").click()
        called = doctor_a.page.locator("[data-state=called]")
        expect(called).to_contain_text("Kavya Menon")
        expect(column_a.get_by_test_id("now-token")).to_have_text("1", timeout=2000)
        called.get_by_role("button", name="Start").click()
        expect(doctor_a.page.get_by_role("button", name="Complete consultation")).to_be_visible()

        doctor_b = Browser(browser, live_server, "phone", "docb", tmp_path)
        people.append(doctor_b)
        doctor_b.page.get_by_test_id("call-next").click()
        expect(doctor_b.page.locator("[data-state=called]")).to_contain_text("Fatima Shaikh")
        expect(column_b.get_by_test_id("now-token")).to_have_text("1", timeout=2000)
        expect(column_a.get_by_test_id("now-token")).to_have_text("1")
        assert not violations, violations
        width = tv.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]
    finally:
        for person in people:
            person.close()
        tv_context.close()
