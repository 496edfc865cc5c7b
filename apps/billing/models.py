"""OPD billing (SPEC §12): fees, bills, payments and refunds, receipts, the day's cash.

Money is integer paise (`apps.billing.money`). Money rows are never edited or deleted: a bill's
lines (charges, discounts, its cancellation) and its payments and refunds are appended; what
changes on a bill is only its running totals and status, kept by the services under the bill's
row lock and guarded here by constraints (0 ≤ paid ≤ total). On PostgreSQL, triggers refuse
UPDATE and DELETE of lines, payments and day closes (migration 0002).
"""

from datetime import date

from django.db import models
from django.db.models.functions import Lower

from common.constants import Role
from common.exceptions import DeletionRefused
from common.models import HospitalScopedModel, NeverDeletedQuerySet

PAISE_HELP = "Integer paise (₹1 = 100)."
RECEIPT_PREFIX = "OPD"
REFUND_PREFIX = "RFD"


def financial_year(day: date) -> str:
    """India's financial year, April–March: 1 Apr 2026 … 31 Mar 2027 → "2026-27"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


class BillingSettings(HospitalScopedModel):
    """One row per hospital, made on first use with everything free and nothing required."""

    default_consultation_fee = models.BigIntegerField(default=0, help_text=PAISE_HELP)
    # 0 = a follow-up inside the visit's validity is free.
    follow_up_fee = models.BigIntegerField(default=0, help_text=PAISE_HELP)
    require_payment_before_consultation = models.BooleanField(default=False)
    discount_by_receptionist = models.BooleanField(default=True)
    discount_by_hospital_admin = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "billing settings"
        constraints = [
            models.UniqueConstraint(fields=["hospital"], name="billing_settings_one_per_hospital"),
            models.CheckConstraint(
                condition=models.Q(default_consultation_fee__gte=0, follow_up_fee__gte=0),
                name="billing_settings_fees_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Billing settings of hospital #{self.hospital_id}"

    def discount_roles(self) -> set[str]:
        return {
            role
            for role, allowed in (
                (Role.RECEPTIONIST, self.discount_by_receptionist),
                (Role.HOSPITAL_ADMIN, self.discount_by_hospital_admin),
            )
            if allowed
        }


class DoctorFee(HospitalScopedModel):
    """A doctor's own consultation fee; without one the hospital's default applies."""

    doctor = models.OneToOneField("accounts.User", on_delete=models.PROTECT, related_name="consultation_fee")
    fee = models.BigIntegerField(help_text=PAISE_HELP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(fee__gte=0), name="doctor_fee_not_negative")]
        indexes = [models.Index(fields=["hospital", "doctor"], name="doctor_fee_hosp_doc_idx")]

    def __str__(self) -> str:
        return f"Fee of doctor #{self.doctor_id}"


class PriceItem(HospitalScopedModel):
    """An extra charge of the hospital's price list (dressing, ECG, injection …); retired, never deleted."""

    name = models.CharField(max_length=100)
    price = models.BigIntegerField(help_text=PAISE_HELP)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeverDeletedQuerySet.as_manager()
    deletion_refusal = "A price list entry is never deleted: bills name it. Retire it instead."

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("hospital", Lower("name"), name="price_item_name_unique_ci"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="price_item_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)


class BillStatus(models.TextChoices):
    OPEN = "open", "Open"
    CANCELLED = "cancelled", "Cancelled"


class Bill(HospitalScopedModel):
    """The bill of one consultation session of a visit (session 1: the consultation; n > 1: a follow-up).

    `total` (charges − discounts − the cancellation) and `paid` (payments − refunds) are the sums of
    its entries, kept by the services under this row's lock; balance = total − paid.
    """

    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, related_name="bills")
    session = models.ForeignKey("consultations.ConsultationSession", on_delete=models.PROTECT, related_name="bills")
    # Denormalised from the visit, for the day's cash by doctor and the patient's bills.
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="bills")
    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="bills_as_doctor")
    bill_date = models.DateField(editable=False)
    status = models.CharField(max_length=10, choices=BillStatus, default=BillStatus.OPEN)
    total = models.BigIntegerField(default=0, editable=False, help_text=PAISE_HELP)
    paid = models.BigIntegerField(default=0, editable=False, help_text=PAISE_HELP)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cancel_reason = models.CharField(max_length=200, blank=True, editable=False)

    objects = NeverDeletedQuerySet.as_manager()
    deletion_refusal = "A bill is never deleted: cancel it with a reason instead."

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="bill_total_not_negative"),
            models.CheckConstraint(
                condition=models.Q(paid__gte=0, paid__lte=models.F("total")), name="bill_paid_within_total"
            ),
            models.CheckConstraint(
                condition=models.Q(status=BillStatus.OPEN, cancelled_at__isnull=True)
                | models.Q(status=BillStatus.CANCELLED, cancelled_at__isnull=False, total=0, paid=0),
                name="bill_cancelled_consistent",
            ),
            # One bill per session, unless it was cancelled (then it may be billed again).
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(status=BillStatus.OPEN), name="bill_one_open_per_session"
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "-created_at", "-id"], name="bill_hosp_time_idx"),
            models.Index(fields=["hospital", "visit"], name="bill_hosp_visit_idx"),
            models.Index(fields=["hospital", "session"], name="bill_hosp_session_idx"),
        ]

    def __str__(self) -> str:
        return f"Bill #{self.pk}"

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    @property
    def balance(self) -> int:
        return self.total - self.paid

    @property
    def is_cancelled(self) -> bool:
        return self.status == BillStatus.CANCELLED

    @property
    def is_paid(self) -> bool:
        return self.status == BillStatus.OPEN and self.paid >= self.total


class LineKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation fee"
    FOLLOW_UP = "follow_up", "Follow-up fee"
    EXTRA = "extra", "Extra charge"
    DISCOUNT = "discount", "Discount"
    CANCELLATION = "cancellation", "Cancellation"


CHARGE_KINDS = (LineKind.CONSULTATION, LineKind.FOLLOW_UP, LineKind.EXTRA)


class BillLine(HospitalScopedModel):
    """One entry of a bill, appended and never changed: a charge (≥ 0), a discount or the cancellation (≤ 0)."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=12, choices=LineKind)
    description = models.CharField(max_length=120)
    price_item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveSmallIntegerField(default=1)
    amount = models.BigIntegerField(help_text="Signed paise: charges ≥ 0, discounts and the cancellation < 0.")
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = NeverDeletedQuerySet.as_manager()
    deletion_refusal = "A bill's entries are never deleted: add a discount or cancel the bill instead."

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CHARGE_KINDS, amount__gte=0)
                | models.Q(kind__in=[LineKind.DISCOUNT, LineKind.CANCELLATION], amount__lt=0),
                name="bill_line_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[LineKind.DISCOUNT, LineKind.CANCELLATION]) | ~models.Q(reason=""),
                name="bill_line_reason_required",
            ),
        ]
        indexes = [models.Index(fields=["hospital", "bill"], name="bill_line_hosp_bill_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on bill #{self.bill_id}"

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)


class PaymentMode(models.TextChoices):
    CASH = "cash", "Cash"
    UPI = "upi", "UPI"
    CARD = "card", "Card"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"


class Payment(HospitalScopedModel):
    """Money in (a payment, with its receipt) or out (a refund, with its voucher): appended, never changed.

    `amount` is positive for both; `signed_amount` (+ payment, − refund) is what the day's cash sums.
    `business_date` is the day of the user's cash it belongs to (the hospital's local day).
    """

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=EntryKind)
    mode = models.CharField(max_length=4, choices=PaymentMode)
    amount = models.BigIntegerField(help_text=PAISE_HELP)
    signed_amount = models.BigIntegerField(editable=False)
    reference = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=200, blank=True)
    financial_year = models.CharField(max_length=7, editable=False)
    number = models.PositiveIntegerField(editable=False)
    business_date = models.DateField(editable=False)
    # Denormalised from the bill, for the day's cash by doctor without a join.
    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    received_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = NeverDeletedQuerySet.as_manager()
    deletion_refusal = "A payment or refund is never deleted: refund it, with a reason, instead."

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(kind=EntryKind.PAYMENT, signed_amount=models.F("amount"))
                | models.Q(kind=EntryKind.REFUND, signed_amount=-models.F("amount")),
                name="payment_signed_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(mode=PaymentMode.CASH) | ~models.Q(reference=""),
                name="payment_reference_unless_cash",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=EntryKind.PAYMENT) | ~models.Q(reason=""), name="refund_reason_required"
            ),
            # Gapless per hospital, series and financial year; the counter row hands them out.
            models.UniqueConstraint(
                fields=["hospital", "kind", "financial_year", "number"], name="payment_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "business_date", "received_by"], name="payment_hosp_day_user_idx"),
            models.Index(fields=["hospital", "bill"], name="payment_hosp_bill_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    @property
    def receipt_number(self) -> str:
        """`OPD/2026-27/000123` for a receipt, `RFD/2026-27/000004` for a refund voucher."""
        prefix = RECEIPT_PREFIX if self.kind == EntryKind.PAYMENT else REFUND_PREFIX
        return f"{prefix}/{self.financial_year}/{self.number:06d}"


class ReceiptCounter(HospitalScopedModel):
    """The last number handed out per hospital, series and financial year: locked FOR UPDATE in the
    payment's transaction, so numbers are consecutive and a rolled-back payment uses none up."""

    kind = models.CharField(max_length=8, choices=EntryKind)
    financial_year = models.CharField(max_length=7)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hospital", "kind", "financial_year"], name="receipt_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.financial_year}: {self.last_number}"


class DayClose(HospitalScopedModel):
    """A user closed their day's cash: nothing new is dated in it afterwards. Appended, never changed."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField()
    # What the day held when it was closed (paise), as the user saw it.
    receipts = models.BigIntegerField()
    refunds = models.BigIntegerField()
    entries = models.PositiveIntegerField()

    objects = NeverDeletedQuerySet.as_manager()
    deletion_refusal = "A day close is never deleted."

    class Meta:
        ordering = ["-business_date", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "user", "business_date"], name="day_close_once"),
            models.CheckConstraint(condition=models.Q(receipts__gte=0, refunds__gte=0), name="day_close_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Day {self.business_date} of user #{self.user_id}"

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    @property
    def collections(self) -> int:
        return self.receipts - self.refunds
