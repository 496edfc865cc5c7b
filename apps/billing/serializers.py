"""API shapes of billing. Money goes in as rupees, a decimal string with at most two decimals ("250.00"; a
whole number of rupees is accepted too; a JSON float is refused, never rounded), and comes out the same way;
the services work in integer paise (apps.billing.money)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.billing.models import Bill, BillLine, DayClose, Payment, PaymentMode, PriceItem
from apps.billing.money import format_rupees, parse_rupees
from apps.billing.selectors import price_item_get
from apps.visits.selectors import doctor_get, visit_get
from common.api import HospitalObjectField, IdField
from common.exceptions import Invalid
from common.strict_input import StrictInput, VisibleText


@extend_schema_field({"type": "string", "pattern": r"^[0-9]{1,9}(\.[0-9]{1,2})?$", "example": "250.00"})
class RupeesField(serializers.Field):
    """Rupees as a decimal string, at most two decimals; read into integer paise."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_rupees(data, allow_zero=self.allow_zero)
        except Invalid as error:
            raise serializers.ValidationError(error.message) from None

    def to_representation(self, value):
        return format_rupees(value)


class RupeesOutput(serializers.Field):
    def to_representation(self, value):
        return format_rupees(value)


RupeesOutput = extend_schema_field({"type": "string", "example": "250.00"})(RupeesOutput)


class LineOutput(serializers.ModelSerializer):
    amount = RupeesOutput()

    class Meta:
        model = BillLine
        fields = ["id", "kind", "description", "price_item", "quantity", "amount", "reason", "created_at"]
        read_only_fields = fields


class PaymentOutput(serializers.ModelSerializer):
    receipt_number = serializers.CharField(read_only=True, help_text="OPD/2026-27/000123; refunds RFD/…")
    amount = RupeesOutput()
    signed_amount = RupeesOutput(help_text="+ for a payment, − for a refund")
    received_by = serializers.CharField(source="received_by.username", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "bill",
            "kind",
            "receipt_number",
            "mode",
            "amount",
            "signed_amount",
            "reference",
            "reason",
            "note",
            "business_date",
            "received_by",
            "created_at",
        ]
        read_only_fields = fields


class BillOutput(serializers.ModelSerializer):
    mrn = serializers.CharField(source="patient.mrn", read_only=True)
    patient_name = serializers.CharField(source="patient.full_name", read_only=True)
    doctor = serializers.CharField(source="doctor.username", read_only=True)
    session_number = serializers.IntegerField(source="session.session_number", read_only=True)
    total = RupeesOutput()
    paid = RupeesOutput()
    balance = RupeesOutput()
    lines = LineOutput(many=True, read_only=True)
    payments = PaymentOutput(many=True, read_only=True)

    class Meta:
        model = Bill
        fields = [
            "id",
            "visit",
            "session",
            "session_number",
            "mrn",
            "patient_name",
            "doctor",
            "bill_date",
            "status",
            "total",
            "paid",
            "balance",
            "cancel_reason",
            "cancelled_at",
            "created_at",
            "lines",
            "payments",
        ]
        read_only_fields = fields


class BillFilter(serializers.Serializer):
    visit = IdField(required=False)
    date = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=["open", "cancelled"], required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False)


class ExtraInput(StrictInput):
    price_item = HospitalObjectField(
        lookup=lambda hospital, pk: price_item_get(hospital=hospital, price_item_id=pk), noun="price list entry"
    )
    quantity = serializers.IntegerField(min_value=1, max_value=20, default=1)


class BillInput(StrictInput):
    visit = HospitalObjectField(lookup=lambda hospital, pk: visit_get(hospital=hospital, visit_id=pk), noun="visit")
    extras = ExtraInput(many=True, required=False, help_text="Charges from the hospital's price list.")


class PaymentInput(StrictInput):
    amount = RupeesField(help_text='Rupees, at most two decimals: "250.00".')
    mode = serializers.ChoiceField(choices=PaymentMode.choices)
    reference = VisibleText(required=False, allow_blank=True, max_length=60, help_text="Required for UPI and card.")
    received_on = serializers.DateField(
        required=False, help_text="When the money came in, if earlier than today (up to 7 days back)."
    )


class RefundInput(StrictInput):
    amount = RupeesField(help_text='Rupees, at most two decimals: "250.00".')
    mode = serializers.ChoiceField(choices=PaymentMode.choices)
    reason = VisibleText(max_length=200)
    reference = VisibleText(required=False, allow_blank=True, max_length=60, help_text="Required for UPI and card.")


class CancelInput(StrictInput):
    reason = VisibleText(max_length=200)


class CashFilter(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="The day (default today), or the first of a range.")
    until = serializers.DateField(required=False, help_text="The last day of a range.")
    user = IdField(required=False, help_text="A user's id (hospital admin only; others see their own).")


class CloseDayInput(StrictInput):
    date = serializers.DateField(required=False, help_text="Default: today.")


class CashRowOutput(serializers.Serializer):
    receipts = RupeesOutput()
    refunds = RupeesOutput()
    collections = RupeesOutput()
    count = serializers.IntegerField()


class ModeRowOutput(CashRowOutput):
    mode = serializers.CharField()


class DoctorRowOutput(CashRowOutput):
    doctor = IdField(read_only=True)
    doctor_username = serializers.CharField(source="doctor__username")


class UserRowOutput(CashRowOutput):
    user = IdField(read_only=True, source="received_by")
    username = serializers.CharField(source="received_by__username")


class DayCloseOutput(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    receipts = RupeesOutput()
    refunds = RupeesOutput()
    collections = RupeesOutput()

    class Meta:
        model = DayClose
        fields = ["id", "user", "business_date", "receipts", "refunds", "collections", "entries", "created_at"]
        read_only_fields = fields


class CashOutput(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    receipts = RupeesOutput()
    refunds = RupeesOutput()
    collections = RupeesOutput()
    balanced = serializers.BooleanField(help_text="receipts − refunds = collections (the sum of every entry).")
    by_mode = ModeRowOutput(many=True)
    by_doctor = DoctorRowOutput(many=True)
    by_user = UserRowOutput(many=True)
    count = serializers.IntegerField(help_text="How many receipts and refunds the totals are of.")
    entries = PaymentOutput(many=True, help_text="Listed for one day; a range gives its totals only.")
    closes = DayCloseOutput(many=True)
    not_closed = serializers.ListField(
        child=serializers.CharField(), help_text="Hospital admin, one day: who takes money and has not closed it."
    )


class BillingSettingsOutput(serializers.Serializer):
    default_consultation_fee = RupeesOutput()
    follow_up_fee = RupeesOutput(help_text='"0.00": follow-ups inside validity are free.')
    require_payment_before_consultation = serializers.BooleanField()
    discount_by_receptionist = serializers.BooleanField()
    discount_by_hospital_admin = serializers.BooleanField()


class BillingSettingsInput(StrictInput):
    default_consultation_fee = RupeesField(allow_zero=True, required=False)
    follow_up_fee = RupeesField(
        allow_zero=True, required=False, help_text='"0.00": follow-ups inside validity are free.'
    )
    require_payment_before_consultation = serializers.BooleanField(required=False)
    discount_by_receptionist = serializers.BooleanField(required=False)
    discount_by_hospital_admin = serializers.BooleanField(required=False)


class PriceItemInput(StrictInput):
    name = VisibleText(max_length=100)
    price = RupeesField()


class PriceItemPatch(StrictInput):
    name = VisibleText(max_length=100, required=False)
    price = RupeesField(required=False)
    is_active = serializers.BooleanField(required=False)


class PriceItemOutput(serializers.ModelSerializer):
    price = RupeesOutput()

    class Meta:
        model = PriceItem
        fields = ["id", "name", "price", "is_active"]
        read_only_fields = fields


class DoctorFeeInput(StrictInput):
    doctor = HospitalObjectField(lookup=lambda hospital, pk: doctor_get(hospital=hospital, doctor_id=pk), noun="doctor")
    fee = RupeesField(allow_zero=True, allow_null=True, help_text="null: the hospital's default applies.")


class ChargeInput(StrictInput):
    price_item = HospitalObjectField(
        lookup=lambda hospital, pk: price_item_get(hospital=hospital, price_item_id=pk), noun="price list entry"
    )
    quantity = serializers.IntegerField(min_value=1, max_value=20, default=1)


class DiscountInput(StrictInput):
    amount = RupeesField(help_text='Rupees, at most two decimals: "50.00".')
    reason = VisibleText(max_length=200)
