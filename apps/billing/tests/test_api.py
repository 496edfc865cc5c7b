"""The billing API: money as rupee strings, strict input, clear refusals, the day's cash, query budgets."""

import pytest

from apps.billing.models import Payment
from apps.billing.services import create_bill, take_payment
from apps.billing.tests.factories import new_visit
from tests.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(hospital, other_hospital):
    world = build_world(hospital, "")
    world.other = build_world(other_hospital, "x_")
    return world


def pay(api_as, w, body, bill=None):
    return api_as(w.receptionist).post(f"/api/v1/bills/{(bill or w.bill).pk}/payments/", body, format="json")


def test_a_payment_answers_with_its_receipt_and_the_bill_its_balance(api_as, w):
    answer = pay(api_as, w, {"amount": "120.50", "mode": "upi", "reference": "UPI-1"})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["receipt_number"] == f"OPD/{body['receipt_number'].split('/')[1]}/000002"
    assert (body["amount"], body["signed_amount"], body["mode"]) == ("120.50", "120.50", "upi")
    bill = api_as(w.receptionist).get(f"/api/v1/bills/{w.bill.pk}/").json()
    assert (bill["total"], bill["paid"], bill["balance"]) == ("300.00", "120.50", "179.50")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"amount": "-10.00", "mode": "cash"}, "amount", "cannot be negative"),
        ({"amount": "10.005", "mode": "cash"}, "amount", "at most two decimals"),
        ({"amount": 10.5, "mode": "cash"}, "amount", "Enter an amount"),
        ({"amount": "1e2", "mode": "cash"}, "amount", "Enter an amount"),
        ({"amount": "0", "mode": "cash"}, "amount", "above zero"),
        ({"amount": "10", "mode": "cheque"}, "mode", "not a valid choice"),
        ({"amount": "10", "mode": "upi"}, "reference", "reference"),
        ({"amount": "10", "mode": "upi", "reference": "\u200b\u200b"}, "reference", "Enter visible text"),
        ({"amount": "10", "mode": "cash", "paid_by": "x"}, "paid_by", "does not take it"),
        ({"mode": "cash"}, "amount", "required"),
    ],
)
def test_bad_money_input_is_a_400_naming_the_field_and_nothing_is_saved(api_as, w, body, field, message):
    before = Payment.objects.count()
    answer = pay(api_as, w, body)
    assert answer.status_code == 400, answer.content
    assert message in " ".join(answer.json()[field])
    assert Payment.objects.count() == before


def test_paying_a_cancelled_bill_and_refunding_more_than_paid_are_clear_409s(api_as, w):
    api_as(w.receptionist).post(f"/api/v1/bills/{w.bill.pk}/cancel/", {"reason": "Duplicate"}, format="json")
    answer = pay(api_as, w, {"amount": "10", "mode": "cash"})
    assert (answer.status_code, answer.json()["code"]) == (409, "bill_cancelled")
    answer = api_as(w.hospital_admin).post(
        f"/api/v1/bills/{w.bill2.pk}/refunds/", {"amount": "450.01", "mode": "cash", "reason": "x"}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "refund_exceeds_paid")
    assert "₹450.00" in answer.json()["detail"]


def test_a_bill_naming_another_hospitals_visit_or_price_item_is_a_400(api_as, w):
    client = api_as(w.receptionist)
    answer = client.post("/api/v1/bills/", {"visit": w.other.waiting.visit_id}, format="json")
    assert (answer.status_code, answer.json()["visit"]) == (400, ["No such visit."])
    answer = client.post(
        "/api/v1/bills/",
        {"visit": w.waiting.visit_id, "extras": [{"price_item": w.other.price_item.pk}]},
        format="json",
    )
    assert answer.status_code == 400
    assert "No such price list entry." in str(answer.json()["extras"])


def test_the_days_cash_says_receipts_minus_refunds_equal_collections(api_as, w):
    api_as(w.hospital_admin).post(
        f"/api/v1/bills/{w.bill2.pk}/refunds/",
        {"amount": "50", "mode": "cash", "reason": "Dressing not needed"},
        format="json",
    )
    mine = api_as(w.receptionist).get("/api/v1/cash/").json()
    assert (mine["receipts"], mine["refunds"], mine["collections"], mine["balanced"]) == (
        "450.00",
        "0.00",
        "450.00",
        True,
    )
    everyone = api_as(w.hospital_admin).get("/api/v1/cash/").json()
    assert (everyone["receipts"], everyone["refunds"], everyone["collections"]) == ("450.00", "50.00", "400.00")
    assert set(everyone["not_closed"]) == {w.receptionist.username, w.hospital_admin.username}
    api_as(w.receptionist).post("/api/v1/cash/close/", {}, format="json")
    everyone = api_as(w.hospital_admin).get("/api/v1/cash/").json()
    assert everyone["not_closed"] == [w.hospital_admin.username]


def test_the_front_desk_sees_only_its_own_cash(api_as, w):
    answer = api_as(w.receptionist).get(f"/api/v1/cash/?user={w.hospital_admin.pk}")
    assert answer.status_code == 403
    answer = api_as(w.hospital_admin).get(f"/api/v1/cash/?user={w.other.receptionist.pk}")
    assert answer.status_code == 404


def _more_bills(w, n):
    for k in range(n):
        bill = create_bill(by=w.receptionist, visit=new_visit(w.receptionist, w.doctor2, name=f"Q{k}"))
        take_payment(by=w.receptionist, bill=bill, amount=1000, mode="cash")


@pytest.mark.parametrize("path", ["/api/v1/bills/", "/api/v1/cash/"])
def test_bill_list_and_cash_make_a_fixed_number_of_queries(api_as, w, django_assert_max_num_queries, path):
    client = api_as(w.hospital_admin)
    client.get(path)  # warm: the session and the user
    with django_assert_max_num_queries(12) as few:
        assert client.get(path).status_code == 200
    _more_bills(w, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200
