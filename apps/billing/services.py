"""Every write of OPD billing (SPEC §12): settings and prices, bills, payments, refunds, the day's close.

Money in paise (`apps.billing.money`); entries appended, never changed. A bill's running `total` and
`paid` change only under its row lock (`_lock_bill`), with the database's check constraints
(0 ≤ paid ≤ total) as the last guard. Money is dated in the user's cash day: a user's row lock
(`_lock_cash_day`) serialises their payments with the close of their day, so nothing lands in a day
after it closed. Receipt numbers come from a counter row locked FOR UPDATE in the payment's own
transaction: consecutive per hospital, series and financial year, and a rolled-back payment uses none.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.billing import selectors
from apps.billing.models import (
    Bill,
    BillingSettings,
    BillLine,
    BillStatus,
    DayClose,
    DoctorFee,
    EntryKind,
    LineKind,
    Payment,
    PaymentMode,
    PriceItem,
    ReceiptCounter,
    financial_year,
)
from apps.billing.money import MAX_PAISE, display_rupees
from apps.consultations.models import ConsultationSession
from apps.hospitals.models import Hospital
from apps.visits.models import Visit
from common.constants import Role
from common.exceptions import (
    AlreadyBilled,
    BillCancelled,
    BillHasPayments,
    DayClosed,
    Invalid,
    Overpayment,
    PaymentRequired,
    RefundExceedsPaid,
)
from common.permissions import (
    can_bill,
    can_cancel_bill,
    can_close_day,
    can_give_discount,
    can_manage_billing,
    can_refund,
    ensure_same_hospital,
    require,
)
from common.validation import full_clean_or_raise

# How far back a payment received earlier (a paper receipt entered late) may be dated.
LATE_ENTRY_DAYS = 7
MAX_QUANTITY = 20
REFERENCE_MODES = (PaymentMode.UPI, PaymentMode.CARD)


def _text(field: str, value: str | None, *, required: bool, max_length: int, what: str) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise Invalid.on_field(field, f"Give {what}.")
    if len(text) > max_length:
        raise Invalid.on_field(field, f"Use at most {max_length} characters.")
    return text


def _paise(field: str, value: int, *, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid.on_field(field, "Enter an amount in paise.")
    if value < 0:
        raise Invalid.on_field(field, "An amount cannot be negative.")
    if value == 0 and not allow_zero:
        raise Invalid.on_field(field, "Enter an amount above zero.")
    if value > MAX_PAISE:
        raise Invalid.on_field(field, f"Enter at most {display_rupees(MAX_PAISE)}.")
    return value


# Settings and prices ---------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "default_consultation_fee",
    "follow_up_fee",
    "require_payment_before_consultation",
    "discount_by_receptionist",
    "discount_by_hospital_admin",
)


def update_billing_settings(*, by: User, **values: Any) -> BillingSettings:
    """The hospital admin sets fees (paise), the payment-before-consultation rule and who may discount.

    Refuses: another role (PermissionDenied); an unknown field or a negative fee (Invalid).
    Audit: billing.settings_update, with the fields changed."""
    require(can_manage_billing(by))
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise Invalid(errors={name: ["Unknown setting."] for name in sorted(unknown)})
    for name in ("default_consultation_fee", "follow_up_fee"):
        if name in values:
            _paise(name, values[name], allow_zero=True)
    with transaction.atomic():
        settings, _ = BillingSettings.objects.select_for_update().get_or_create(hospital=by.staff_hospital)
        changes = {
            name: [getattr(settings, name), value] for name, value in values.items() if getattr(settings, name) != value
        }
        for name, value in values.items():
            setattr(settings, name, value)
        full_clean_or_raise(settings)
        settings.save()
        record_event(
            actor=by,
            action="billing.settings_update",
            target=settings,
            summary="Billing settings changed",
            changes=changes,
        )
        return settings


def set_doctor_fee(*, by: User, doctor: User, fee: int | None) -> DoctorFee | None:
    """The hospital admin sets a doctor's own consultation fee (paise); None returns them to the default.

    Refuses: another role (PermissionDenied); another hospital's doctor (NotFound); a user who is not a
    doctor, a negative fee (Invalid). Audit: billing.doctor_fee_set."""
    require(can_manage_billing(by))
    ensure_same_hospital(by, doctor)
    if doctor.role != Role.DOCTOR:
        raise Invalid.on_field("doctor", "Choose a doctor of this hospital.")
    if fee is not None:
        _paise("fee", fee, allow_zero=True)
    with transaction.atomic():
        current = DoctorFee.objects.select_for_update().filter(hospital=by.staff_hospital, doctor=doctor).first()
        before = current.fee if current else None
        if fee is None:
            if current:
                # The fee row is a setting, not a money entry: it may go.
                DoctorFee.objects.filter(pk=current.pk).delete()
            current = None
        elif current:
            current.fee = fee
            current.save(update_fields=["fee", "updated_at"])
        else:
            current = DoctorFee.objects.create(hospital=by.staff_hospital, doctor=doctor, fee=fee)
        record_event(
            actor=by,
            action="billing.doctor_fee_set",
            target=doctor,
            hospital=by.staff_hospital,
            summary=f"Consultation fee of {doctor.username} set",
            changes={"doctor": doctor.pk, "fee": [before, fee]},
        )
        return current


def save_price_item(
    *,
    by: User,
    item: PriceItem | None = None,
    name: str | None = None,
    price: int | None = None,
    is_active: bool | None = None,
) -> PriceItem:
    """The hospital admin adds an entry to the price list (name and price) or changes one (retires it with
    is_active=False; bills already made keep what they charged). Refuses: another role (PermissionDenied);
    another hospital's entry (NotFound); a blank or taken name, a price not above zero (Invalid).
    Audit: billing.price_item_create or billing.price_item_update."""
    require(can_manage_billing(by))
    creating = item is None
    if not creating:
        ensure_same_hospital(by, item)
    with transaction.atomic():
        if item is None:
            item = PriceItem(hospital=by.staff_hospital)
            name = name if name is not None else ""
            if price is None:
                raise Invalid.on_field("price", "Give the price.")
        else:
            item = PriceItem.objects.select_for_update().get(pk=item.pk)
        before = {"name": item.name, "price": item.price, "is_active": item.is_active}
        if name is not None:
            item.name = _text("name", name, required=True, max_length=100, what="the name")
        if price is not None:
            item.price = _paise("price", price)
        if is_active is not None:
            item.is_active = is_active
        if PriceItem.objects.filter(hospital=by.staff_hospital, name__iexact=item.name).exclude(pk=item.pk).exists():
            raise Invalid.on_field("name", "The price list already has an entry of that name.")
        full_clean_or_raise(item, exclude=["hospital"])
        item.save()
        after = {"name": item.name, "price": item.price, "is_active": item.is_active}
        changes = after if creating else {k: [before[k], v] for k, v in after.items() if before[k] != v}
        record_event(
            actor=by,
            action="billing.price_item_create" if creating else "billing.price_item_update",
            target=item,
            summary=f"Price list entry #{item.pk} {'added' if creating else 'changed'}",
            changes=changes,
        )
        return item


# Bills ------------------------------------------------------------------------------------------


def consultation_charge(*, session: ConsultationSession, settings: BillingSettings) -> tuple[str, str, int]:
    """(kind, description, paise) of a session's fee: session 1 is the consultation at the doctor's own fee
    or the hospital's default; a later session is a follow-up inside the visit's validity (a follow-up only
    opens on an unexpired visit), free or at the hospital's follow-up fee."""
    if session.session_number == 1:
        own = selectors.doctor_fee_of(hospital_id=session.hospital_id, doctor_id=session.doctor_id)
        fee = own if own is not None else settings.default_consultation_fee
        return LineKind.CONSULTATION, "Consultation fee", fee
    if settings.follow_up_fee:
        return LineKind.FOLLOW_UP, f"Follow-up (session {session.session_number})", settings.follow_up_fee
    return LineKind.FOLLOW_UP, f"Follow-up (session {session.session_number}) inside validity: free", 0


def _extra_lines(
    by: User, extras: Iterable[tuple[PriceItem, int]] | None, *, fields: tuple[str, str] = ("extras", "extras")
) -> list[tuple[PriceItem, int]]:
    """The price-list lines checked; an error names `fields` (the item's, the quantity's) as the caller's input
    calls them: a bill's `extras`, or a charge's `price_item` and `quantity`."""
    item_field, quantity_field = fields
    lines = []
    for n, (item, quantity) in enumerate(extras or ()):
        ensure_same_hospital(by, item)
        if not item.is_active:
            raise Invalid.on_field(item_field, f"{item.name} is no longer on the price list.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise Invalid.on_field(quantity_field, f"Quantity of line {n + 1}: from 1 to {MAX_QUANTITY}.")
        lines.append((item, quantity))
    return lines


def create_bill(
    *, by: User, visit: Visit, session: ConsultationSession | None = None, extras: Iterable[tuple[PriceItem, int]] = ()
) -> Bill:
    """The front desk bills a session of a visit (its latest by default): the fee, plus price-list extras
    given as (PriceItem, quantity) pairs.

    Refuses: another role (PermissionDenied); another hospital's visit, session or price item (NotFound);
    a session of another visit, a retired price item, a quantity outside 1–20 (Invalid); a session that
    already has an open bill (AlreadyBilled; the visit's row lock makes two clicks bill once).
    Audit: bill.create, with its total and line count."""
    require(can_bill(by))
    ensure_same_hospital(by, visit)
    if session is not None:
        ensure_same_hospital(by, session)
        if session.visit_id != visit.pk:
            raise Invalid.on_field("session", "Choose a session of this visit.")
    extra_lines = _extra_lines(by, extras)
    with transaction.atomic():
        Visit.objects.select_for_update().filter(pk=visit.pk).first()
        if session is None:
            session = ConsultationSession.objects.filter(visit=visit).order_by("-session_number").first()
        if session is None:  # every visit opens session 1; a guard, not a case
            raise Invalid.on_field("visit", "This visit has no session to bill.")
        if selectors.open_bill_of_session(hospital=by.staff_hospital, session=session) is not None:
            raise AlreadyBilled(
                f"Session {session.session_number} of visit #{visit.pk} is already billed: add to that bill."
            )
        settings = selectors.billing_settings_get(hospital=by.staff_hospital)
        kind, description, fee = consultation_charge(session=session, settings=settings)
        bill = Bill.objects.create(
            hospital=by.staff_hospital,
            visit=visit,
            session=session,
            patient_id=visit.patient_id,
            doctor_id=session.doctor_id,
            bill_date=by.staff_hospital.local_date(),
            created_by=by,
        )
        lines = [
            BillLine(
                hospital=by.staff_hospital, bill=bill, kind=kind, description=description, amount=fee, created_by=by
            )
        ]
        lines += [
            BillLine(
                hospital=by.staff_hospital,
                bill=bill,
                kind=LineKind.EXTRA,
                description=item.name,
                price_item=item,
                quantity=quantity,
                amount=item.price * quantity,
                created_by=by,
            )
            for item, quantity in extra_lines
        ]
        BillLine.objects.bulk_create(lines)
        bill.total = sum(line.amount for line in lines)
        bill.save(update_fields=["total"])
        record_event(
            actor=by,
            action="bill.create",
            target=bill,
            summary=f"Bill #{bill.pk} for session {session.session_number} of visit #{visit.pk}",
            changes={
                "visit": visit.pk,
                "session": session.pk,
                "total": bill.total,
                "lines": len(lines),
                "fee_kind": kind,
            },
        )
        return bill


def _lock_bill(bill: Bill) -> Bill:
    locked = Bill.objects.select_for_update().get(pk=bill.pk)
    if locked.is_cancelled:
        raise BillCancelled(f"Bill #{bill.pk} is cancelled.")
    return locked


def add_charge(*, by: User, bill: Bill, price_item: PriceItem, quantity: int = 1) -> BillLine:
    """The front desk adds an extra charge from the price list to an open bill.

    Refuses: another role (PermissionDenied); another hospital's bill or item (NotFound); a retired item,
    a quantity outside 1–20 (Invalid); a cancelled bill (BillCancelled). Audit: bill.charge."""
    require(can_bill(by))
    ensure_same_hospital(by, bill)
    [(item, quantity)] = _extra_lines(by, [(price_item, quantity)], fields=("price_item", "quantity"))
    with transaction.atomic():
        bill = _lock_bill(bill)
        line = BillLine.objects.create(
            hospital=by.staff_hospital,
            bill=bill,
            kind=LineKind.EXTRA,
            description=item.name,
            price_item=item,
            quantity=quantity,
            amount=item.price * quantity,
            created_by=by,
        )
        bill.total += line.amount
        bill.save(update_fields=["total"])
        record_event(
            actor=by,
            action="bill.charge",
            target=bill,
            summary=f"Charge added to bill #{bill.pk}",
            changes={"price_item": item.pk, "quantity": quantity, "amount": line.amount, "total": bill.total},
        )
        return line


def give_discount(*, by: User, bill: Bill, amount: int, reason: str) -> BillLine:
    """A discount (paise) with a reason, by a role the hospital's settings allow, never above the balance.

    Refuses: a role that may not discount here (PermissionDenied); another hospital's bill (NotFound);
    no reason, an amount not above zero (Invalid); a cancelled bill (BillCancelled); more than the
    balance (Overpayment). Audit: bill.discount (the amount; the reason is withheld)."""
    require(can_give_discount(by))
    ensure_same_hospital(by, bill)
    require(
        can_give_discount(by, selectors.billing_settings_get(hospital=by.staff_hospital)),
        "This hospital does not let your role give discounts.",
    )
    amount = _paise("amount", amount)
    reason = _text("reason", reason, required=True, max_length=200, what="the reason for the discount")
    with transaction.atomic():
        bill = _lock_bill(bill)
        if amount > bill.balance:
            raise Overpayment(f"A discount cannot exceed the balance of {display_rupees(bill.balance)}.")
        line = BillLine.objects.create(
            hospital=by.staff_hospital,
            bill=bill,
            kind=LineKind.DISCOUNT,
            description="Discount",
            amount=-amount,
            reason=reason,
            created_by=by,
        )
        bill.total -= amount
        bill.save(update_fields=["total"])
        record_event(
            actor=by,
            action="bill.discount",
            target=bill,
            summary=f"Discount on bill #{bill.pk}",
            changes={"amount": amount, "total": bill.total, "reason": reason},
        )
        return line


def cancel_bill(*, by: User, bill: Bill, reason: str) -> Bill:
    """Cancel a bill with a reason: a reversing line brings its total to zero. Money paid on it is refunded
    first (by the hospital admin), so a cancellation never hides cash.

    Refuses: another role (PermissionDenied); another hospital's bill (NotFound); no reason (Invalid);
    a bill already cancelled (BillCancelled); money still paid on it (BillHasPayments). Audit: bill.cancel."""
    require(can_cancel_bill(by))
    ensure_same_hospital(by, bill)
    reason = _text("reason", reason, required=True, max_length=200, what="the reason for the cancellation")
    with transaction.atomic():
        bill = _lock_bill(bill)
        if bill.paid:
            raise BillHasPayments(
                f"{display_rupees(bill.paid)} is paid on bill #{bill.pk}: "
                "the hospital admin refunds it before it is cancelled."
            )
        if bill.total:
            BillLine.objects.create(
                hospital=by.staff_hospital,
                bill=bill,
                kind=LineKind.CANCELLATION,
                description="Cancelled",
                amount=-bill.total,
                reason=reason,
                created_by=by,
            )
        before = bill.total
        bill.total = 0
        bill.status = BillStatus.CANCELLED
        bill.cancelled_at = timezone.now()
        bill.cancelled_by = by
        bill.cancel_reason = reason
        bill.save(update_fields=["total", "status", "cancelled_at", "cancelled_by", "cancel_reason"])
        record_event(
            actor=by,
            action="bill.cancel",
            target=bill,
            summary=f"Bill #{bill.pk} cancelled",
            changes={"status": [BillStatus.OPEN, BillStatus.CANCELLED], "reversed": before, "reason": reason},
        )
        return bill


# Money in and out --------------------------------------------------------------------------------


def _lock_cash_day(by: User, received_on: date | None) -> tuple[date, str]:
    """The cash day a new entry of `by` is dated in, and a note when it had to move. Locks the user's row,
    so their entries and the close of their day are serialised."""
    User.objects.select_for_update().filter(pk=by.pk).first()
    today = by.staff_hospital.local_date()
    day = received_on or today
    if day > today:
        raise Invalid.on_field("received_on", "Money cannot be received on a day still to come.")
    if day < today - timedelta(days=LATE_ENTRY_DAYS):
        raise Invalid.on_field("received_on", f"Enter money received in the last {LATE_ENTRY_DAYS} days.")
    note = ""
    if day < today and selectors.is_day_closed(hospital=by.staff_hospital, user=by, day=day):
        note = f"Received on {day:%d %b %Y}, after that day's cash was closed: dated {today:%d %b %Y}."
        day = today
    if day == today and selectors.is_day_closed(hospital=by.staff_hospital, user=by, day=today):
        raise DayClosed(f"You closed your cash for {today:%d %b %Y}: nothing more is dated in it.")
    return day, note


def _next_number(hospital: Hospital, kind: str, year: str) -> int:
    """The next number of the series, from its counter row locked until the payment commits."""
    try:
        with transaction.atomic():
            counter, _ = ReceiptCounter.objects.select_for_update().get_or_create(
                hospital=hospital, kind=kind, financial_year=year
            )
    except IntegrityError:  # another payment made the year's counter at the same moment: use it
        counter = ReceiptCounter.objects.select_for_update().get(hospital=hospital, kind=kind, financial_year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _money_fields(mode: str, reference: str) -> str:
    if mode not in PaymentMode.values:
        raise Invalid.on_field("mode", "Choose cash, UPI or card.")
    reference = _text(
        "reference", reference, required=mode in REFERENCE_MODES, max_length=60, what="the UPI or card reference"
    )
    return reference


def take_payment(
    *, by: User, bill: Bill, amount: int, mode: str, reference: str = "", received_on: date | None = None
) -> Payment:
    """The front desk takes money (paise) on a bill, partly or wholly, never more than the balance, and issues
    the next receipt number (`OPD/2026-27/000123`). Dated in the user's cash day: a payment received on a
    day they have already closed goes into today with a note.

    Refuses: another role (PermissionDenied); another hospital's bill (NotFound); an amount not above
    zero, a mode not cash/UPI/card, no reference for UPI or card, a day to come or more than a week back
    (Invalid); a cancelled bill (BillCancelled); more than the balance (Overpayment); today's cash already
    closed (DayClosed). Audit: payment.create (receipt, amount, mode; the reference is withheld)."""
    require(can_bill(by))
    ensure_same_hospital(by, bill)
    amount = _paise("amount", amount)
    reference = _money_fields(mode, reference)
    with transaction.atomic():
        day, note = _lock_cash_day(by, received_on)
        bill = _lock_bill(bill)
        if amount > bill.balance:
            raise Overpayment(
                f"Bill #{bill.pk} has a balance of {display_rupees(bill.balance)}: take at most that."
                if bill.balance
                else f"Bill #{bill.pk} is paid in full."
            )
        year = financial_year(day)
        payment = Payment.objects.create(
            hospital=by.staff_hospital,
            bill=bill,
            kind=EntryKind.PAYMENT,
            mode=mode,
            amount=amount,
            signed_amount=amount,
            reference=reference,
            note=note,
            financial_year=year,
            number=_next_number(by.staff_hospital, EntryKind.PAYMENT, year),
            business_date=day,
            doctor_id=bill.doctor_id,
            received_by=by,
        )
        bill.paid += amount
        bill.save(update_fields=["paid"])
        record_event(
            actor=by,
            action="payment.create",
            target=bill,
            summary=f"Receipt {payment.receipt_number} on bill #{bill.pk}",
            changes={
                "receipt": payment.receipt_number,
                "amount": amount,
                "mode": mode,
                "balance": bill.balance,
                "business_date": day.isoformat(),
                "reference": reference,
            },
        )
        return payment


def refund_payment(*, by: User, bill: Bill, amount: int, mode: str, reason: str, reference: str = "") -> Payment:
    """The hospital admin gives money back on a bill, with a reason, never more than it has been paid (after
    earlier refunds): a refund voucher `RFD/2026-27/000004`, dated in the admin's cash day.

    Refuses: another role (PermissionDenied); another hospital's bill (NotFound); no reason, an amount not
    above zero, a bad mode or missing reference (Invalid); a cancelled bill (BillCancelled); more than paid
    (RefundExceedsPaid); the admin's day already closed (DayClosed). Audit: payment.refund."""
    require(can_refund(by), "Only the hospital admin gives refunds.")
    ensure_same_hospital(by, bill)
    amount = _paise("amount", amount)
    reference = _money_fields(mode, reference)
    reason = _text("reason", reason, required=True, max_length=200, what="the reason for the refund")
    with transaction.atomic():
        day, note = _lock_cash_day(by, None)
        bill = _lock_bill(bill)
        if amount > bill.paid:
            raise RefundExceedsPaid(f"Bill #{bill.pk} has {display_rupees(bill.paid)} paid: refund at most that.")
        year = financial_year(day)
        refund = Payment.objects.create(
            hospital=by.staff_hospital,
            bill=bill,
            kind=EntryKind.REFUND,
            mode=mode,
            amount=amount,
            signed_amount=-amount,
            reference=reference,
            reason=reason,
            note=note,
            financial_year=year,
            number=_next_number(by.staff_hospital, EntryKind.REFUND, year),
            business_date=day,
            doctor_id=bill.doctor_id,
            received_by=by,
        )
        bill.paid -= amount
        bill.save(update_fields=["paid"])
        record_event(
            actor=by,
            action="payment.refund",
            target=bill,
            summary=f"Refund {refund.receipt_number} on bill #{bill.pk}",
            changes={
                "voucher": refund.receipt_number,
                "amount": amount,
                "mode": mode,
                "paid": bill.paid,
                "reason": reason,
            },
        )
        return refund


def close_day(*, by: User, day: date | None = None) -> DayClose:
    """A user closes their cash for a day (today by default): its totals are kept, and nothing new is dated
    in it afterwards. Refuses: another role (PermissionDenied); a day to come (Invalid); a day already
    closed (DayClosed). Audit: cash.close, with the day's totals."""
    require(can_close_day(by))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=by.pk).first()
        today = by.staff_hospital.local_date()
        day = day or today
        if day > today:
            raise Invalid.on_field("date", "A day still to come cannot be closed.")
        if selectors.is_day_closed(hospital=by.staff_hospital, user=by, day=day):
            raise DayClosed(f"You already closed your cash for {day:%d %b %Y}.")
        cash = selectors.day_cash(hospital=by.staff_hospital, since=day, user=by)
        close = DayClose.objects.create(
            hospital=by.staff_hospital,
            user=by,
            business_date=day,
            receipts=cash.receipts,
            refunds=cash.refunds,
            entries=cash.count,
        )
        record_event(
            actor=by,
            action="cash.close",
            target=close,
            summary=f"{by.username} closed the cash of {day:%d %b %Y}",
            changes={
                "date": day.isoformat(),
                "receipts": cash.receipts,
                "refunds": cash.refunds,
                "collections": cash.collections,
                "entries": cash.count,
            },
        )
        return close


def ensure_paid_before_consultation(*, session: ConsultationSession) -> None:
    """A step of starting a consultation (opd): where the hospital requires it, the session's bill is paid.

    Refuses with PaymentRequired: a session with no open bill, or with a balance. Writes nothing."""
    settings = selectors.billing_settings_get(hospital=session.hospital)
    if not settings.require_payment_before_consultation:
        return
    bill = selectors.open_bill_of_session(hospital=session.hospital, session=session)
    if bill is None:
        raise PaymentRequired(
            "This hospital takes the fee before the consultation: the front desk bills this visit first."
        )
    if bill.balance:
        raise PaymentRequired(
            f"This hospital takes the fee before the consultation: {display_rupees(bill.balance)} "
            f"is still due on bill #{bill.pk}."
        )
