"""Every list page's table reads whole on a phone and on a desktop (SPEC §5: usable on both).

Found at 390 × 844 by a tester: the staff roster's Status, Edit and Deactivate, the hospitals' Edit and
Deactivate, and the day's cash's Collections, Day, Mode and By sat behind the table's own sideways
scroll. Below 576 px a list table's rows stack, each cell under its label (app.css .table-stack), so
Browser.fits() (no list table scrolls sideways) holds on each page, and every cell of every row is on
screen without scrolling.
"""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.accounts.tests.factories import UserFactory
from apps.billing.services import create_bill, refund_payment, take_payment, update_billing_settings
from apps.billing.tests.factories import new_visit
from apps.formulary.services import load_nlem_formulary
from apps.waitingroom.services import create_display_key
from common.constants import Role
from tests.browser.test_opd_day_in_browser import VIEWPORTS, Browser, clinic  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (who, page, the table's test id, a button each row offers where it is theirs to press)
PAGES = [
    ("platform", "/hospitals/", "hospitals", "Deactivate"),
    ("platform", "/audit/", "events", None),
    ("admin", "/staff/", "staff", "Deactivate"),
    ("admin", "/billing/cash/", "desk", None),
    ("admin", "/billing/cash/", "entries", None),
    ("desk", "/billing/cash/", "entries", None),
    ("admin", "/consultations/dashboard/", "doctors", None),
    ("admin", "/formulary/", "formulary", None),
    ("admin", "/displays/", "displays", "Revoke"),
    ("admin", "/audit/", "events", None),
]


@pytest.fixture
def a_day(clinic):  # noqa: F811 (the imported fixture)
    """A day with money in and out, a waiting-room screen and the formulary, so each table has rows."""
    admin, desk, doctor = (User.objects.get(username=name) for name in ("admin", "desk", "doc"))
    load_nlem_formulary(hospital=clinic)
    # Set up by a second admin with a username as long as real ones are ("admin" alone fits any column).
    deputy = UserFactory(role=Role.HOSPITAL_ADMIN, username="meera.kulkarni", hospital=clinic)
    create_display_key(by=deputy, name="Waiting hall TV")
    update_billing_settings(by=admin, default_consultation_fee=30000)
    first = create_bill(by=desk, visit=new_visit(desk, doctor, name="Kavita Deshmukh"))
    take_payment(by=desk, bill=first, amount=30000, mode="upi", reference="UPI 88123")
    second = create_bill(by=desk, visit=new_visit(desk, doctor, name="Rohan Kulkarni"))
    take_payment(by=desk, bill=second, amount=30000, mode="cash")
    refund_payment(by=admin, bill=first, amount=30000, mode="upi", reference="UPI R-1", reason="Doctor called away")
    return clinic


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize(("username", "path", "table", "button"), PAGES, ids=[f"{p[0]}{p[1]}{p[2]}" for p in PAGES])
def test_a_list_table_reads_whole(browser, live_server, a_day, size, tmp_path, username, path, table, button):
    person = Browser(browser, live_server, size, username, tmp_path)
    try:
        page = person.goto(path)  # fits(): the page, and no list table on it, scrolls sideways
        rows = page.get_by_test_id(table).locator("tbody tr")
        expect(rows.first).to_be_visible()
        # Every cell of every row lies inside the screen's width: none is left for a sideways scroll to show.
        outside = rows.evaluate_all(
            """rows => rows.flatMap((row, r) => [...row.cells]
                .filter(cell => cell.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                .map(cell => `row ${r + 1}: ${cell.dataset.label || cell.innerText.trim().slice(0, 30)}`))"""
        )
        assert not outside, f"{path} at {size}: cells off screen in {table}: {outside}"
        if button:  # within the screen's width (below the fold is fine: the page scrolls down to it)
            box = rows.get_by_role("button", name=button).first.bounding_box()
            assert box, f"no {button} button"
            assert box["x"] + box["width"] <= VIEWPORTS[size]["width"], f"{button} off screen: {box}"
    finally:
        person.close()
