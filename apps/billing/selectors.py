"""Reads of billing data; every one takes the hospital first and filters by it."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.billing.models import (
    Bill,
    BillingSettings,
    BillLine,
    BillStatus,
    DayClose,
    DoctorFee,
    EntryKind,
    Payment,
    PaymentMode,
    PriceItem,
)
from apps.consultations.models import ConsultationSession
from apps.hospitals.models import Hospital
from apps.patients.models import Patient
from apps.visits.models import Visit
from common.constants import Role
from common.exceptions import NotFound


def billing_settings_get(*, hospital: Hospital) -> BillingSettings:
    """The hospital's settings, or (never saved: a GET reads) the defaults when none were set."""
    found = BillingSettings.objects.filter(hospital=hospital).first()
    return found or BillingSettings(hospital=hospital)


def doctor_fee_of(*, hospital_id: int, doctor_id: int) -> int | None:
    """The doctor's own fee in paise, or None (the hospital's default applies)."""
    return DoctorFee.objects.filter(hospital_id=hospital_id, doctor_id=doctor_id).values_list("fee", flat=True).first()


def doctor_fees(*, hospital: Hospital) -> QuerySet[User]:
    """The hospital's doctors with their own fee (`own_fee`, None when the default applies). One query."""
    return (
        User.objects.filter(hospital=hospital, role=Role.DOCTOR)
        .annotate(own_fee=Subquery(DoctorFee.objects.filter(doctor=OuterRef("pk")).values("fee")[:1]))
        .order_by("-is_active", "first_name", "last_name", "username")
    )


def price_list(*, hospital: Hospital, active_only: bool = False) -> QuerySet[PriceItem]:
    items = PriceItem.objects.filter(hospital=hospital)
    return items.filter(is_active=True) if active_only else items


def price_item_get(*, hospital: Hospital, price_item_id: int) -> PriceItem:
    item = PriceItem.objects.filter(hospital=hospital, pk=price_item_id).first()
    if item is None:
        raise NotFound()
    return item


def _bills(hospital: Hospital) -> QuerySet[Bill]:
    return Bill.objects.filter(hospital=hospital).select_related("patient", "doctor", "session", "visit")


def _with_entries(bills: QuerySet[Bill]) -> QuerySet[Bill]:
    return bills.prefetch_related(
        Prefetch("lines", queryset=BillLine.objects.select_related("created_by")),
        Prefetch("payments", queryset=Payment.objects.select_related("received_by")),
    )


def bill_get(*, hospital: Hospital, bill_id: int) -> Bill:
    """One bill with its lines and payments (three queries)."""
    bill = _with_entries(_bills(hospital)).filter(pk=bill_id).first()
    if bill is None:
        raise NotFound()
    return bill


def bill_list(
    *, hospital: Hospital, visit_id: int | None = None, day: date | None = None, status: str | None = None
) -> QuerySet[Bill]:
    """Bills, newest first (keyset order: -created_at, -id), with their lines and payments."""
    bills = _with_entries(_bills(hospital)).order_by("-created_at", "-id")
    if visit_id is not None:
        bills = bills.filter(visit_id=visit_id)
    if day is not None:
        bills = bills.filter(bill_date=day)
    if status:
        bills = bills.filter(status=status)
    return bills


def bills_of_visit(*, hospital: Hospital, visit: Visit) -> list[Bill]:
    return list(_with_entries(_bills(hospital)).filter(visit=visit).order_by("created_at"))


def latest_visit_of(*, hospital: Hospital, patient: Patient) -> Visit | None:
    """The patient's newest visit in the hospital (the one the new-visit form just made)."""
    return Visit.objects.filter(hospital=hospital, patient=patient).order_by("-created_at", "-id").first()


def payment_get(*, hospital: Hospital, payment_id: int) -> Payment:
    """A receipt or refund voucher with its bill, patient and doctor, for printing."""
    payment = (
        Payment.objects.filter(hospital=hospital, pk=payment_id)
        .select_related("bill__patient", "bill__doctor", "bill__visit", "received_by", "hospital")
        .first()
    )
    if payment is None:
        raise NotFound()
    return payment


def with_payment_status(sessions: QuerySet, *, hospital: Hospital) -> QuerySet:
    """Annotate consultation sessions with their open bill's `bill_total` and `bill_paid` (None: not billed).

    One subquery each, no extra query: the doctor's queue shows paid / unpaid with it."""
    open_bill = Bill.objects.filter(hospital=hospital, session=OuterRef("pk"), status=BillStatus.OPEN)
    return sessions.annotate(
        bill_total=Subquery(open_bill.values("total")[:1]), bill_paid=Subquery(open_bill.values("paid")[:1])
    )


def open_bill_of_session(*, hospital: Hospital, session: ConsultationSession) -> Bill | None:
    return Bill.objects.filter(hospital=hospital, session=session, status=BillStatus.OPEN).first()


def is_day_closed(*, hospital: Hospital, user: User, day: date) -> bool:
    return DayClose.objects.filter(hospital=hospital, user=user, business_date=day).exists()


@dataclass
class DayCash:
    """The day's cash of one user or all, for a day or a range. Amounts in paise.

    `receipts` and `refunds` are summed separately, `collections` as the sum of every signed entry:
    `balanced` says receipts − refunds = collections (it always should: the report shows the check)."""

    since: date
    until: date
    user: User | None
    entries: list[Payment]
    receipts: int = 0
    refunds: int = 0
    collections: int = 0
    count: int = 0
    by_mode: list[dict] = field(default_factory=list)
    by_doctor: list[dict] = field(default_factory=list)
    by_user: list[dict] = field(default_factory=list)
    cancellations: list[Bill] = field(default_factory=list)
    closes: list[DayClose] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.receipts - self.refunds == self.collections

    @property
    def is_one_day(self) -> bool:
        return self.since == self.until


_SUMS = {
    "receipts": Coalesce(Sum("amount", filter=Q(kind=EntryKind.PAYMENT)), 0),
    "refunds": Coalesce(Sum("amount", filter=Q(kind=EntryKind.REFUND)), 0),
    "collections": Coalesce(Sum("signed_amount"), 0),
    "count": Count("pk"),
}


def day_cash(*, hospital: Hospital, since: date, until: date | None = None, user: User | None = None) -> DayCash:
    """Receipts and refunds dated in [since, until] (the users' cash days), one user's or everyone's.

    Seven queries whatever the number of entries: the totals, by mode, by doctor, by user, the entries,
    the cancellations and closes. The entries themselves are listed for one day; a range gives its totals
    (a month of a busy OPD is thousands of receipts: the CSV of each day has them)."""
    until = until or since
    entries = Payment.objects.filter(hospital=hospital, business_date__gte=since, business_date__lte=until)
    cancelled = Bill.objects.filter(
        hospital=hospital, status=BillStatus.CANCELLED, cancelled_at__date__gte=since, cancelled_at__date__lte=until
    )
    closes = DayClose.objects.filter(hospital=hospital, business_date__gte=since, business_date__lte=until)
    if user is not None:
        entries = entries.filter(received_by=user)
        cancelled = cancelled.filter(cancelled_by=user)
        closes = closes.filter(user=user)
    totals = entries.aggregate(**_SUMS)
    modes = {row["mode"]: row for row in entries.values("mode").annotate(**_SUMS).order_by()}
    by_mode = [
        {"mode": mode, "label": label, **modes.get(mode, {"receipts": 0, "refunds": 0, "collections": 0, "count": 0})}
        for mode, label in PaymentMode.choices
    ]
    by_doctor = list(
        entries.values("doctor", "doctor__username", "doctor__first_name", "doctor__last_name")
        .annotate(**_SUMS)
        .order_by("doctor__first_name", "doctor__username")
    )
    by_user = list(
        entries.values("received_by", "received_by__username", "received_by__role")
        .annotate(**_SUMS)
        .order_by("received_by__username")
    )
    return DayCash(
        since=since,
        until=until,
        user=user,
        entries=list(
            entries.select_related("bill__patient", "doctor", "received_by").order_by(
                "business_date", "created_at", "id"
            )
        ),
        receipts=totals["receipts"],
        refunds=totals["refunds"],
        collections=totals["collections"],
        count=totals["count"],
        by_mode=by_mode,
        by_doctor=by_doctor,
        by_user=by_user,
        cancellations=list(cancelled.select_related("patient", "cancelled_by").order_by("cancelled_at")),
        closes=list(closes.select_related("user")),
    )


def cash_entries(*, hospital: Hospital, since: date, until: date, user: User | None = None) -> Iterator[Payment]:
    """Every receipt and refund of the range in order, read in chunks (the CSV export of a range)."""
    entries = Payment.objects.filter(hospital=hospital, business_date__gte=since, business_date__lte=until)
    if user is not None:
        entries = entries.filter(received_by=user)
    return (
        entries.select_related("bill__patient", "doctor", "received_by")
        .order_by("business_date", "created_at", "id")
        .iterator(chunk_size=500)
    )


def cash_desk_users(*, hospital: Hospital, day: date) -> list[dict]:
    """Everyone who takes or refunds money (active front desk and admins, and anyone with entries that day),
    with the day's totals and whether they closed it: the hospital admin's view. Two queries."""
    sums = {
        row["received_by"]: row
        for row in Payment.objects.filter(hospital=hospital, business_date=day)
        .values("received_by")
        .annotate(**_SUMS)
        .order_by()
    }
    closed = {close.user_id: close for close in DayClose.objects.filter(hospital=hospital, business_date=day)}
    users = (
        User.objects.filter(hospital=hospital)
        .filter(Q(role__in=[Role.RECEPTIONIST, Role.HOSPITAL_ADMIN], is_active=True) | Q(pk__in=list(sums)))
        .order_by("role", "username")
    )
    empty = {"receipts": 0, "refunds": 0, "collections": 0, "count": 0}
    return [{"user": u, **sums.get(u.pk, empty), "closed": closed.get(u.pk)} for u in users]


def cash_user_get(*, hospital: Hospital, user_id: int) -> User:
    """A user of the hospital whose day's cash the hospital admin opens."""
    user = User.objects.filter(hospital=hospital, pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def collections_today(*, hospital: Hospital) -> dict[str, int]:
    """The hospital admin's Today: what came in and went out, one query."""
    return Payment.objects.filter(hospital=hospital, business_date=hospital.local_date()).aggregate(**_SUMS)
