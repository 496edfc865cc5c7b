from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.audit.models import AuditEvent
from apps.billing import selectors, services
from apps.billing.models import Bill, BillLine, BillStatus, DayClose, EntryKind, Payment
from apps.billing.tests.factories import front_desk, new_visit
from apps.consultations.models import ConsultationSession
from apps.opd.services import complete_consultation, start_consultation
from apps.visits.services import start_follow_up
from common.exceptions import (
    AlreadyBilled,
    BillCancelled,
    BillHasPayments,
    DayClosed,
    DeletionRefused,
    Invalid,
    NotFound,
    Overpayment,
    PaymentRequired,
    PermissionDenied,
    RefundExceedsPaid,
)
from common.testing import run_concurrently

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    _hospital, receptionist, doctor, admin = front_desk()
    services.update_billing_settings(by=admin, default_consultation_fee=30000, follow_up_fee=0)
    return receptionist, doctor, admin


class TestFees:
    def test_the_first_session_is_billed_at_the_hospitals_default_fee(self, desk):
        receptionist, doctor, _ = desk
        bill = services.create_bill(by=receptionist, visit=new_visit(receptionist, doctor))
        assert (bill.total, bill.paid, bill.balance) == (30000, 0, 30000)
        [line] = bill.lines.all()
        assert (line.kind, line.amount) == ("consultation", 30000)

    def test_a_doctors_own_fee_replaces_the_default(self, desk):
        receptionist, doctor, admin = desk
        services.set_doctor_fee(by=admin, doctor=doctor, fee=50000)
        assert services.create_bill(by=receptionist, visit=new_visit(receptionist, doctor)).total == 50000
        services.set_doctor_fee(by=admin, doctor=doctor, fee=None)
        assert services.create_bill(by=receptionist, visit=new_visit(receptionist, doctor, name="B")).total == 30000

    def _follow_up(self, receptionist, doctor):
        visit = new_visit(receptionist, doctor)
        session = start_consultation(by=doctor, session=visit.sessions.get())
        complete_consultation(by=doctor, session=session)
        start_follow_up(by=receptionist, visit=visit)
        return visit

    def test_a_follow_up_inside_validity_is_free(self, desk):
        receptionist, doctor, _ = desk
        bill = services.create_bill(by=receptionist, visit=self._follow_up(receptionist, doctor))
        assert bill.session.session_number == 2
        assert bill.total == 0
        assert bill.is_paid
        assert "free" in bill.lines.get().description

    def test_or_charged_the_hospitals_follow_up_fee(self, desk):
        receptionist, doctor, admin = desk
        services.update_billing_settings(by=admin, follow_up_fee=10000)
        bill = services.create_bill(by=receptionist, visit=self._follow_up(receptionist, doctor))
        assert (bill.total, bill.lines.get().kind) == (10000, "follow_up")

    def test_extras_come_from_the_price_list(self, desk):
        receptionist, doctor, admin = desk
        ecg = services.save_price_item(by=admin, name="ECG", price=20000)
        bill = services.create_bill(by=receptionist, visit=new_visit(receptionist, doctor), extras=[(ecg, 2)])
        assert bill.total == 70000
        services.add_charge(by=receptionist, bill=bill, price_item=ecg)
        bill.refresh_from_db()
        assert bill.total == 90000

    def test_a_retired_price_item_is_refused(self, desk):
        receptionist, doctor, admin = desk
        ecg = services.save_price_item(by=admin, name="ECG", price=20000)
        ecg = services.save_price_item(by=admin, item=ecg, is_active=False)
        with pytest.raises(Invalid, match="no longer") as refused:
            services.create_bill(by=receptionist, visit=new_visit(receptionist, doctor), extras=[(ecg, 1)])
        assert list(refused.value.errors) == ["extras"]
        assert not Bill.objects.exists()
        bill = services.create_bill(by=receptionist, visit=new_visit(receptionist, doctor))
        # Added to a bill, the error names the charge's own fields.
        with pytest.raises(Invalid, match="no longer") as refused:
            services.add_charge(by=receptionist, bill=bill, price_item=ecg)
        assert list(refused.value.errors) == ["price_item"]
        active = services.save_price_item(by=admin, name="Dressing", price=100)
        with pytest.raises(Invalid) as refused:
            services.add_charge(by=receptionist, bill=bill, price_item=active, quantity=21)
        assert list(refused.value.errors) == ["quantity"]

    def test_a_price_list_name_is_unique_case_insensitively(self, desk):
        _, _, admin = desk
        services.save_price_item(by=admin, name="Dressing", price=100)
        with pytest.raises(Invalid, match="already"):
            services.save_price_item(by=admin, name="DRESSING ", price=200)

    def test_only_the_hospital_admin_sets_fees_and_prices(self, desk):
        receptionist, doctor, _ = desk
        with pytest.raises(PermissionDenied):
            services.update_billing_settings(by=receptionist, default_consultation_fee=1)
        with pytest.raises(PermissionDenied):
            services.set_doctor_fee(by=receptionist, doctor=doctor, fee=1)
        with pytest.raises(PermissionDenied):
            services.save_price_item(by=receptionist, name="X", price=1)

    def test_a_session_is_billed_once(self, desk):
        receptionist, doctor, _ = desk
        visit = new_visit(receptionist, doctor)
        services.create_bill(by=receptionist, visit=visit)
        with pytest.raises(AlreadyBilled):
            services.create_bill(by=receptionist, visit=visit)
        assert Bill.objects.count() == 1

    def test_another_hospitals_visit_is_not_found(self, desk):
        receptionist, _, _ = desk
        _, stranger_desk, stranger_doctor, _ = front_desk()
        with pytest.raises(NotFound):
            services.create_bill(by=receptionist, visit=new_visit(stranger_desk, stranger_doctor))


@pytest.fixture
def bill(desk):
    receptionist, doctor, _ = desk
    return services.create_bill(by=receptionist, visit=new_visit(receptionist, doctor))


class TestPayments:
    def test_partial_then_whole_payment_with_consecutive_receipts(self, desk, bill):
        receptionist, _, _ = desk
        first = services.take_payment(by=receptionist, bill=bill, amount=10000, mode="cash")
        second = services.take_payment(by=receptionist, bill=bill, amount=20000, mode="upi", reference="T123")
        year = first.financial_year
        assert (first.receipt_number, second.receipt_number) == (f"OPD/{year}/000001", f"OPD/{year}/000002")
        bill.refresh_from_db()
        assert bill.is_paid
        assert bill.balance == 0

    def test_never_more_than_the_balance(self, desk, bill):
        receptionist, _, _ = desk
        with pytest.raises(Overpayment, match=r"₹300\.00"):
            services.take_payment(by=receptionist, bill=bill, amount=30001, mode="cash")
        assert not Payment.objects.exists()

    @pytest.mark.parametrize(("mode", "reference"), [("upi", ""), ("card", "  "), ("cheque", "1")])
    def test_upi_and_card_need_a_reference_and_modes_are_three(self, desk, bill, mode, reference):
        receptionist, _, _ = desk
        with pytest.raises(Invalid):
            services.take_payment(by=receptionist, bill=bill, amount=100, mode=mode, reference=reference)

    @pytest.mark.parametrize("amount", [0, -100, 2**70, True, "100"])
    def test_an_amount_must_be_whole_paise_above_zero(self, desk, bill, amount):
        receptionist, _, _ = desk
        with pytest.raises(Invalid):
            services.take_payment(by=receptionist, bill=bill, amount=amount, mode="cash")

    def test_a_cancelled_bill_takes_no_payment(self, desk, bill):
        receptionist, _, _ = desk
        services.cancel_bill(by=receptionist, bill=bill, reason="Patient left")
        with pytest.raises(BillCancelled):
            services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash")

    def test_a_failed_payment_uses_up_no_receipt_number(self, desk, bill):
        receptionist, _, _ = desk
        with pytest.raises(Overpayment):
            services.take_payment(by=receptionist, bill=bill, amount=99999, mode="cash")
        assert services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash").number == 1

    def test_only_the_front_desk_takes_payments(self, desk, bill):
        _, doctor, admin = desk
        for user in (doctor, admin):
            with pytest.raises(PermissionDenied):
                services.take_payment(by=user, bill=bill, amount=100, mode="cash")


class TestDiscountsRefundsCancellations:
    def test_a_discount_needs_a_reason_and_stays_within_the_balance(self, desk, bill):
        receptionist, _, _ = desk
        with pytest.raises(Invalid, match="reason"):
            services.give_discount(by=receptionist, bill=bill, amount=5000, reason=" ")
        with pytest.raises(Overpayment):
            services.give_discount(by=receptionist, bill=bill, amount=30001, reason="Staff")
        services.give_discount(by=receptionist, bill=bill, amount=5000, reason="Senior citizen")
        bill.refresh_from_db()
        assert bill.total == 25000

    def test_discounts_only_by_the_roles_the_hospital_allows(self, desk, bill):
        receptionist, doctor, admin = desk
        services.update_billing_settings(by=admin, discount_by_receptionist=False)
        with pytest.raises(PermissionDenied, match="does not let"):
            services.give_discount(by=receptionist, bill=bill, amount=100, reason="x")
        services.give_discount(by=admin, bill=bill, amount=100, reason="x")
        with pytest.raises(PermissionDenied):
            services.give_discount(by=doctor, bill=bill, amount=100, reason="x")

    def test_a_refund_is_by_the_admin_never_more_than_paid(self, desk, bill):
        receptionist, _, admin = desk
        services.take_payment(by=receptionist, bill=bill, amount=30000, mode="cash")
        with pytest.raises(PermissionDenied):
            services.refund_payment(by=receptionist, bill=bill, amount=100, mode="cash", reason="x")
        with pytest.raises(RefundExceedsPaid):
            services.refund_payment(by=admin, bill=bill, amount=30001, mode="cash", reason="Doctor away")
        with pytest.raises(Invalid, match="reason"):
            services.refund_payment(by=admin, bill=bill, amount=100, mode="cash", reason="")
        refund = services.refund_payment(by=admin, bill=bill, amount=30000, mode="cash", reason="Doctor away")
        assert refund.receipt_number.startswith("RFD/")
        assert refund.signed_amount == -30000
        bill.refresh_from_db()
        assert bill.paid == 0

    def test_a_paid_bill_is_refunded_before_it_is_cancelled(self, desk, bill):
        receptionist, _, admin = desk
        services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash")
        with pytest.raises(BillHasPayments):
            services.cancel_bill(by=receptionist, bill=bill, reason="Left")
        services.refund_payment(by=admin, bill=bill, amount=100, mode="cash", reason="Left")
        bill = services.cancel_bill(by=receptionist, bill=bill, reason="Left")
        assert bill.status == BillStatus.CANCELLED
        assert bill.total == 0
        assert list(bill.lines.values_list("kind", "amount")) == [("consultation", 30000), ("cancellation", -30000)]
        with pytest.raises(BillCancelled):
            services.cancel_bill(by=receptionist, bill=bill, reason="again")

    def test_a_cancelled_session_may_be_billed_again(self, desk, bill):
        receptionist, _, _ = desk
        services.cancel_bill(by=receptionist, bill=bill, reason="Wrong doctor")
        assert services.create_bill(by=receptionist, visit=bill.visit).total == 30000

    def test_nothing_is_deleted(self, desk, bill):
        receptionist, _, _ = desk
        payment = services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash")
        for obj in (bill, payment, bill.lines.first()):
            with pytest.raises(DeletionRefused):
                obj.delete()
            with pytest.raises(DeletionRefused):
                type(obj).objects.filter(pk=obj.pk).delete()

    def test_the_database_refuses_paying_more_than_the_total(self, bill):
        with pytest.raises(IntegrityError), transaction.atomic():
            Bill.objects.filter(pk=bill.pk).update(paid=bill.total + 1)


def test_the_database_refuses_changing_a_payment(desk, bill, on_postgresql):
    """PostgreSQL's triggers (billing/0002): even a raw UPDATE or DELETE of an entry is refused."""
    from django.db import DatabaseError, connection

    if not on_postgresql:
        pytest.skip("needs PostgreSQL (set DATABASE_URL): the triggers are PostgreSQL's")
    receptionist, _, _ = desk
    payment = services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash")
    for sql in ("UPDATE billing_payment SET amount = 1 WHERE id = %s", "DELETE FROM billing_payment WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [payment.pk])


class TestDayClose:
    def test_after_closing_nothing_new_is_dated_in_the_day(self, desk, bill):
        receptionist, _, _ = desk
        services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash")
        close = services.close_day(by=receptionist)
        assert (close.receipts, close.refunds, close.entries) == (100, 0, 1)
        with pytest.raises(DayClosed):
            services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash")
        with pytest.raises(DayClosed):
            services.close_day(by=receptionist)

    def test_a_late_payment_for_a_closed_day_goes_into_today_with_a_note(self, desk, bill):
        receptionist, _, _ = desk
        today = receptionist.hospital.local_date()
        yesterday = today - timedelta(days=1)
        services.close_day(by=receptionist, day=yesterday)
        payment = services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash", received_on=yesterday)
        assert payment.business_date == today
        assert "after that day's cash was closed" in payment.note

    def test_an_unclosed_earlier_day_keeps_its_late_entry_but_not_a_day_to_come(self, desk, bill):
        receptionist, _, _ = desk
        today = receptionist.hospital.local_date()
        payment = services.take_payment(
            by=receptionist, bill=bill, amount=100, mode="cash", received_on=today - timedelta(days=2)
        )
        assert payment.business_date == today - timedelta(days=2)
        assert not payment.note
        for day in (today + timedelta(days=1), today - timedelta(days=8)):
            with pytest.raises(Invalid):
                services.take_payment(by=receptionist, bill=bill, amount=100, mode="cash", received_on=day)

    def test_the_days_cash_adds_up_per_mode_doctor_and_user(self, desk, bill):
        receptionist, _doctor, admin = desk
        services.take_payment(by=receptionist, bill=bill, amount=10000, mode="cash")
        services.take_payment(by=receptionist, bill=bill, amount=20000, mode="card", reference="C1")
        services.refund_payment(by=admin, bill=bill, amount=5000, mode="cash", reason="Overcharged")
        day = receptionist.hospital.local_date()
        cash = selectors.day_cash(hospital=receptionist.hospital, since=day)
        assert (cash.receipts, cash.refunds, cash.collections, cash.balanced) == (30000, 5000, 25000, True)
        modes = {row["mode"]: row["collections"] for row in cash.by_mode}
        assert modes == {"cash": 5000, "upi": 0, "card": 20000}
        assert [row["collections"] for row in cash.by_doctor] == [25000]
        mine = selectors.day_cash(hospital=receptionist.hospital, since=day, user=receptionist)
        assert (mine.receipts, mine.refunds) == (30000, 0)
        rows = {row["user"].pk: row for row in selectors.cash_desk_users(hospital=receptionist.hospital, day=day)}
        assert rows[admin.pk]["refunds"] == 5000
        assert rows[receptionist.pk]["closed"] is None


class TestPaymentBeforeConsultation:
    def test_the_consultation_waits_for_the_fee_when_the_hospital_says_so(self, desk):
        receptionist, doctor, admin = desk
        services.update_billing_settings(by=admin, require_payment_before_consultation=True)
        visit = new_visit(receptionist, doctor)
        session = visit.sessions.get()
        with pytest.raises(PaymentRequired, match="bills this visit"):
            start_consultation(by=doctor, session=session)
        bill = services.create_bill(by=receptionist, visit=visit)
        with pytest.raises(PaymentRequired, match=r"₹300\.00"):
            start_consultation(by=doctor, session=session)
        services.take_payment(by=receptionist, bill=bill, amount=30000, mode="cash")
        assert start_consultation(by=doctor, session=session).started_at

    def test_without_the_setting_an_unpaid_consultation_starts(self, desk):
        receptionist, doctor, _ = desk
        session = new_visit(receptionist, doctor).sessions.get()
        assert start_consultation(by=doctor, session=session).started_at

    def test_the_queue_knows_who_has_paid(self, desk, bill):
        receptionist, doctor, _ = desk
        unbilled = new_visit(receptionist, doctor, name="Other")
        rows = {
            s.visit_id: (s.bill_total, s.bill_paid)
            for s in selectors.with_payment_status(ConsultationSession.objects.all(), hospital=doctor.hospital)
        }
        assert rows == {bill.visit_id: (30000, 0), unbilled.pk: (None, None)}


# Any sequence of bills, payments, discounts, cancellations and refunds (hypothesis) ----------------

STEP = st.tuples(
    st.sampled_from(["bill", "pay", "discount", "cancel", "refund", "charge"]),
    st.integers(min_value=0, max_value=3),  # which bill
    st.integers(min_value=1, max_value=40000),  # paise
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_any_sequence_keeps_balances_and_the_days_totals_exact(desk, steps):
    receptionist, doctor, admin = desk
    hospital = receptionist.hospital
    with transaction.atomic():
        price = services.save_price_item(by=admin, name=f"Item {AuditEvent.objects.count()}", price=1500)
        visits = [new_visit(receptionist, doctor, name=f"Patient {n}") for n in range(4)]
        bills: dict[int, Bill] = {}
        for action, which, amount in steps:
            visit = visits[which]
            bill = bills.get(which)
            try:
                with transaction.atomic():
                    if action == "bill" or bill is None:
                        bills[which] = services.create_bill(by=receptionist, visit=visit)
                    elif action == "pay":
                        services.take_payment(by=receptionist, bill=bill, amount=amount, mode="cash")
                    elif action == "discount":
                        services.give_discount(by=receptionist, bill=bill, amount=amount, reason="r")
                    elif action == "cancel":
                        services.cancel_bill(by=receptionist, bill=bill, reason="r")
                    elif action == "refund":
                        services.refund_payment(
                            by=admin, bill=bill, amount=amount, mode="upi", reason="r", reference="u"
                        )
                    else:
                        services.add_charge(by=receptionist, bill=bill, price_item=price)
            except (Overpayment, RefundExceedsPaid, BillCancelled, BillHasPayments, AlreadyBilled):
                pass
            # Every bill: balance ≥ 0, paid ≤ total, and the running totals are the sums of the entries.
            for row in Bill.objects.filter(hospital=hospital):
                lines = sum(BillLine.objects.filter(bill=row).values_list("amount", flat=True))
                money = Payment.objects.filter(bill=row)
                received = sum(money.filter(kind=EntryKind.PAYMENT).values_list("amount", flat=True))
                refunded = sum(money.filter(kind=EntryKind.REFUND).values_list("amount", flat=True))
                assert row.total == lines >= 0
                assert row.paid == received - refunded
                assert 0 <= row.paid <= row.total
                assert received <= lines + refunded + sum(
                    -a for a in BillLine.objects.filter(bill=row, amount__lt=0).values_list("amount", flat=True)
                )
        cash = selectors.day_cash(hospital=hospital, since=hospital.local_date())
        entries = Payment.objects.filter(hospital=hospital)
        assert cash.collections == sum(e.signed_amount for e in entries)
        assert cash.receipts == sum(e.amount for e in entries if e.kind == EntryKind.PAYMENT)
        assert cash.balanced
        assert sum(r["collections"] for r in cash.by_mode) == cash.collections
        assert sum(r["collections"] for r in cash.by_doctor) == cash.collections
        numbers = sorted(entries.filter(kind=EntryKind.PAYMENT).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        transaction.set_rollback(True)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_receipts_get_twenty_consecutive_numbers():
    hospital, receptionist, doctor, admin = front_desk()
    desks = [receptionist] + [
        type(receptionist).objects.create_user(
            username=f"desk{n}", password="x" * 12, role="RECEPTIONIST", hospital=hospital
        )
        for n in range(3)
    ]
    services.update_billing_settings(by=admin, default_consultation_fee=30000)
    doctors = [doctor] + [
        type(doctor).objects.create_user(username=f"doc{n}", password="x" * 12, role="DOCTOR", hospital=hospital)
        for n in range(4)
    ]
    bills = [
        services.create_bill(by=receptionist, visit=new_visit(receptionist, doctors[n % 5], name=f"P{n}"))
        for n in range(20)
    ]
    numbers = run_concurrently(
        20, lambda n: services.take_payment(by=desks[n % 4], bill=bills[n], amount=30000, mode="cash").receipt_number
    )
    year = Payment.objects.first().financial_year
    assert sorted(numbers) == [f"OPD/{year}/{n:06d}" for n in range(1, 21)]
    assert AuditEvent.objects.filter(action="payment.create").count() == 20
    assert DayClose.objects.count() == 0
