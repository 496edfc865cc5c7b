"""The billing pages: who may open them, the balance always in sight, input kept on error, receipts, the
day's cash with its close and CSV, the visit form's fee part, the queue's paid badge, Today's collections."""

import csv
import io
import re

import pytest
from django.urls import reverse

from apps.billing import services
from apps.billing.models import Bill, Payment
from apps.billing.tests.factories import new_visit
from common.submissions import new_token
from tests.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(hospital, other_hospital):
    world = build_world(hospital, "")
    world.other = build_world(other_hospital, "x_")
    return world


def as_user(client, user):
    client.force_login(user)
    return client


PAGES = [
    # name, args(w), roles that may open it
    ("billing:bill", lambda w: [w.bill.pk], {"receptionist", "hospital_admin"}),
    ("billing:receipt", lambda w: [w.payment.pk], {"receptionist", "hospital_admin"}),
    ("billing:cash", lambda w: [], {"receptionist", "hospital_admin"}),
    ("billing:cash_csv", lambda w: [], {"receptionist", "hospital_admin"}),
    ("billing:settings", lambda w: [], {"hospital_admin"}),
]
ROLES = ("hospital_admin", "receptionist", "doctor", "medical_staff")


@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_each_page_opens_for_its_roles_and_is_a_styled_403_for_others(client, w, name, args, allowed, role):
    answer = as_user(client, getattr(w, role)).get(reverse(name, args=args(w)))
    assert answer.status_code == (200 if role in allowed else 403)
    if answer.status_code == 403:
        assert w.patient.full_name not in answer.content.decode()


@pytest.mark.parametrize("name", ["billing:bill", "billing:receipt"])
def test_another_hospitals_bill_or_receipt_is_a_404_saying_nothing(client, w, name):
    pk = w.other.bill.pk if name == "billing:bill" else w.other.payment.pk
    answer = as_user(client, w.receptionist).get(reverse(name, args=[pk]))
    assert answer.status_code == 404
    assert "x_" not in answer.content.decode()


def test_the_bill_page_shows_the_balance_and_a_payment_shows_its_receipt(client, w):
    client = as_user(client, w.receptionist)
    page = client.get(reverse("billing:bill", args=[w.bill.pk])).content.decode()
    assert "₹300.00" in page
    answer = client.post(
        reverse("billing:pay", args=[w.bill.pk]), {"amount": "300", "mode": "upi", "reference": "U77"}, follow=True
    )
    page = answer.content.decode()
    assert "receipt OPD/" in page
    assert "₹0.00" in page


@pytest.mark.parametrize(
    ("name", "form", "count"),
    [
        ("billing:pay", {"amount": "50", "mode": "cash"}, lambda w: Payment.objects.filter(bill=w.bill).count()),
        ("billing:discount", {"amount": "10", "reason": "staff"}, lambda w: w.bill.lines.filter(amount__lt=0).count()),
    ],
    ids=["payment", "discount"],
)
def test_the_same_bill_form_sent_twice_writes_once(client, w, name, form, count):
    # A retry on a bad connection, or the page open in two tabs: one receipt, one discount.
    client = as_user(client, w.hospital_admin if name == "billing:discount" else w.receptionist)
    page = client.get(reverse("billing:bill", args=[w.bill.pk])).content.decode()
    assert page.count('name="submission_token"') >= 2
    sent = form | {"submission_token": new_token()}
    first = client.post(reverse(name, args=[w.bill.pk]), sent, follow=True)
    again = client.post(reverse(name, args=[w.bill.pk]), sent, follow=True)
    assert first.status_code == again.status_code == 200
    assert "This form was already sent; nothing was saved twice." in again.content.decode()
    assert count(w) == 1


def test_a_bad_payment_keeps_what_was_typed_and_says_why(client, w):
    answer = as_user(client, w.receptionist).post(
        reverse("billing:pay", args=[w.bill.pk]), {"amount": "12.345", "mode": "upi", "reference": "KEEP-ME"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "at most two decimals" in page
    assert 'value="KEEP-ME"' in page
    assert 'value="12.345"' in page
    answer = as_user(client, w.receptionist).post(
        reverse("billing:pay", args=[w.bill.pk]), {"amount": "300.01", "mode": "cash"}
    )
    assert answer.status_code == 400
    assert "balance of ₹300.00" in answer.content.decode()
    assert not Payment.objects.filter(bill=w.bill).exists()


def test_the_admin_refunds_and_the_front_desk_cancels(client, w):
    admin = as_user(client, w.hospital_admin)
    admin.post(reverse("billing:refund", args=[w.bill2.pk]), {"amount": "450", "mode": "cash", "reason": "Doctor away"})
    w.bill2.refresh_from_db()
    assert w.bill2.paid == 0
    desk = as_user(client, w.receptionist)
    assert (
        desk.post(
            reverse("billing:refund", args=[w.bill2.pk]), {"amount": "1", "mode": "cash", "reason": "x"}
        ).status_code
        == 403
    )
    desk.post(reverse("billing:cancel", args=[w.bill2.pk]), {"reason": "Doctor away"})
    w.bill2.refresh_from_db()
    assert w.bill2.is_cancelled


def test_the_new_visit_form_bills_and_takes_the_fee_in_one_go(client, w):
    client = as_user(client, w.receptionist)
    form = {
        "patient": w.patient3.pk,
        "doctor": w.doctor2.pk,
        "pay_amount": "300",
        "pay_mode": "upi",
        "pay_reference": "UPI-1",
        "submission_token": new_token(),
    }
    answer = client.post(reverse("billing:visit_with_bill", args=[w.patient3.pk]), form, follow=True)
    assert answer.status_code == 200
    bill = Bill.objects.get(patient=w.patient3)
    assert (bill.total, bill.paid) == (30000, 30000)
    assert "Receipt OPD/" in answer.content.decode()
    # The same click again lands on the same result: one visit, one bill.
    client.post(reverse("billing:visit_with_bill", args=[w.patient3.pk]), form, follow=True)
    assert Bill.objects.filter(patient=w.patient3).count() == 1


def test_a_bad_fee_input_creates_no_visit_and_keeps_the_form(client, w):
    client = as_user(client, w.receptionist)
    form = {
        "patient": w.patient3.pk,
        "doctor": w.doctor2.pk,
        "pay_amount": "300",
        "pay_mode": "card",
        "pulse_rate": "88",
    }
    answer = client.post(reverse("billing:visit_with_bill", args=[w.patient3.pk]), form)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Give the UPI or card reference." in page
    assert 'value="88"' in page
    assert not w.patient3.visits.exists()


def test_create_visit_alone_refuses_an_amount_typed_in_paid_now_and_keeps_the_form(client, w):
    # Dropped without a word, the desk would have taken money that nothing records.
    client = as_user(client, w.receptionist)
    form = {"patient": w.patient3.pk, "doctor": w.doctor2.pk, "pay_amount": "400", "pay_mode": "cash",
            "pulse_rate": "88", "bill": "later", "submission_token": new_token()}  # fmt: skip
    answer = client.post(reverse("billing:visit_with_bill", args=[w.patient3.pk]), form)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "To take this payment, press “Create visit and bill”" in page
    assert 'value="400"' in page
    assert 'value="88"' in page
    assert not w.patient3.visits.exists()
    # Left empty, it makes the visit and no bill.
    made = client.post(reverse("billing:visit_with_bill", args=[w.patient3.pk]),
                       form | {"pay_amount": "", "submission_token": new_token()}, follow=True)  # fmt: skip
    assert "Visit created for" in made.content.decode()
    assert w.patient3.visits.count() == 1
    assert not Bill.objects.filter(patient=w.patient3).exists()


def test_the_patient_page_offers_the_fee_part_and_billing_later(client, w):
    page = as_user(client, w.receptionist).get(reverse("visits:patient", args=[w.patient3.pk])).content.decode()
    assert "Create visit and bill" in page
    assert re.search(r'name="bill"\s+value="later">Create visit</button>', page)
    answer = client.post(reverse("billing:bill_visit", args=[w.waiting.visit_id]), follow=True)
    assert "Bill #" in answer.content.decode()


@pytest.mark.parametrize("size", ["a5", "roll"])
def test_a_receipt_prints_on_a5_or_the_roll(client, w, size):
    page = (
        as_user(client, w.receptionist)
        .get(reverse("billing:receipt", args=[w.payment.pk]) + f"?size={size}")
        .content.decode()
    )
    assert f"receipt-{size}" in page
    assert w.payment.receipt_number in page
    assert w.patient.mrn.replace("P-", "") in page or "P-" in page


def test_the_days_cash_closes_and_then_takes_nothing_more(client, w):
    client = as_user(client, w.receptionist)
    page = client.get(reverse("billing:cash")).content.decode()
    assert "Adds up" in page
    assert "Close my day" in page
    client.post(reverse("billing:close_day"), {"date": w.hospital.local_date().isoformat()})
    page = client.get(reverse("billing:cash")).content.decode()
    assert "Close my day" not in page
    answer = client.post(reverse("billing:pay", args=[w.bill.pk]), {"amount": "1", "mode": "cash"})
    assert "You closed your cash" in answer.content.decode()


def test_the_admin_sees_who_has_not_closed(client, w):
    services.close_day(by=w.receptionist)
    page = as_user(client, w.hospital_admin).get(reverse("billing:cash")).content.decode()
    assert "Not closed" in page
    assert "Closed " in page


def test_the_csv_is_formula_safe_and_ends_with_the_check(client, w):
    bill = services.create_bill(by=w.receptionist, visit=new_visit(w.receptionist, w.doctor2, name="Formula"))
    services.take_payment(by=w.receptionist, bill=bill, amount=100, mode="upi", reference="=HYPERLINK(1)")
    answer = as_user(client, w.receptionist).get(reverse("billing:cash_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode().lstrip("\ufeff"))))
    assert "'=HYPERLINK(1)" in [cell for row in rows for cell in row]
    assert rows[-1] == ["receipts - refunds = collections", "yes"]


def test_the_queue_shows_paid_and_unpaid(client, w):
    page = as_user(client, w.doctor).get(reverse("opd:queue")).content.decode()
    assert "Unpaid" in page  # visit's bill: nothing paid yet
    assert "Not billed" in page  # the waiting patient


def test_today_adds_collections(client, w):
    page = as_user(client, w.hospital_admin).get(reverse("opd:dashboard")).content.decode()
    assert "₹450.00" in page


def test_the_admin_edits_fees_and_the_price_list(client, w):
    client = as_user(client, w.hospital_admin)
    client.post(
        reverse("billing:settings"),
        {"form": "settings", "default_consultation_fee": "350", "follow_up_fee": "0", "discount_by_receptionist": "on"},
    )
    client.post(reverse("billing:settings"), {"form": "item", "name": "ECG", "price": "250.00"})
    answer = client.post(reverse("billing:settings"), {"form": "item", "name": "ecg", "price": "1"})
    assert answer.status_code == 400
    page = client.get(reverse("billing:settings")).content.decode()
    assert "₹250.00" in page
    assert 'value="350.00"' in page


@pytest.mark.parametrize("name", ["billing:cash", "billing:bill"])
def test_cash_and_bill_pages_make_a_fixed_number_of_queries(client, w, django_assert_max_num_queries, name):
    client = as_user(client, w.hospital_admin)
    args = [w.bill.pk] if name == "billing:bill" else []
    client.get(reverse(name, args=args))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse(name, args=args))
    for n in range(30):
        services.add_charge(by=w.receptionist, bill=w.bill, price_item=w.price_item)
        other = services.create_bill(by=w.receptionist, visit=new_visit(w.receptionist, w.doctor2, name=f"Q{n}"))
        services.take_payment(by=w.receptionist, bill=other, amount=100, mode="cash")
    for _ in range(30):
        services.take_payment(by=w.receptionist, bill=w.bill, amount=100, mode="cash")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(name, args=args))


def test_starting_an_unpaid_consultation_is_refused_with_a_clear_message(client, w):
    services.update_billing_settings(by=w.hospital_admin, require_payment_before_consultation=True)
    client = as_user(client, w.doctor)
    answer = client.post(reverse("opd:start", args=[w.waiting.pk]), follow=True)
    assert "takes the fee before the consultation" in answer.content.decode()
    w.waiting.refresh_from_db()
    assert w.waiting.started_at is None
