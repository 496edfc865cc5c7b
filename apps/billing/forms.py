"""Forms of the billing pages: they parse (rupees into paise); every rule is the services'."""

from django import forms

from apps.billing.models import PaymentMode
from apps.billing.money import parse_rupees
from common.exceptions import Invalid
from common.forms import BootstrapFormMixin


class RupeesFormField(forms.CharField):
    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal", placeholder="0.00")

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return parse_rupees(value, allow_zero=self.allow_zero)
        except Invalid as error:
            raise forms.ValidationError(error.message) from None


class PaymentForm(BootstrapFormMixin, forms.Form):
    amount = RupeesFormField(label="Amount (₹)")
    mode = forms.ChoiceField(choices=PaymentMode.choices, initial=PaymentMode.CASH)
    reference = forms.CharField(required=False, max_length=60, label="UPI / card reference")


class RefundForm(BootstrapFormMixin, forms.Form):
    amount = RupeesFormField(label="Refund (₹)")
    mode = forms.ChoiceField(choices=PaymentMode.choices, initial=PaymentMode.CASH)
    reference = forms.CharField(required=False, max_length=60, label="UPI / card reference")
    reason = forms.CharField(max_length=200)


class DiscountForm(BootstrapFormMixin, forms.Form):
    amount = RupeesFormField(label="Discount (₹)")
    reason = forms.CharField(max_length=200)


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(max_length=200, label="Reason for cancelling")


class ChargeForm(BootstrapFormMixin, forms.Form):
    price_item: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="Choose a charge", label="Extra charge"
    )
    quantity = forms.IntegerField(min_value=1, max_value=20, initial=1)

    def __init__(self, *args, price_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_item"].queryset = price_list


class VisitFeeForm(BootstrapFormMixin, forms.Form):
    """The fee part of the new-visit form (billing.views.VisitWithBillView): pay now, optionally."""

    pay_amount = RupeesFormField(required=False, label="Paid now (₹)", help_text="Empty: bill only, pay later")
    pay_mode = forms.ChoiceField(choices=PaymentMode.choices, initial=PaymentMode.CASH, label="Mode")
    pay_reference = forms.CharField(required=False, max_length=60, label="UPI / card reference")

    def clean(self):
        data = super().clean()
        if (
            data.get("pay_amount")
            and data.get("pay_mode") != PaymentMode.CASH
            and not data.get("pay_reference", "").strip()
        ):
            self.add_error("pay_reference", "Give the UPI or card reference.")
        return data


class SettingsForm(BootstrapFormMixin, forms.Form):
    default_consultation_fee = RupeesFormField(allow_zero=True, label="Consultation fee (₹)")
    follow_up_fee = RupeesFormField(
        allow_zero=True, label="Follow-up fee (₹)", help_text="0: follow-ups inside validity are free"
    )
    require_payment_before_consultation = forms.BooleanField(
        required=False, label="Take the fee before the consultation starts"
    )
    discount_by_receptionist = forms.BooleanField(required=False, label="Front desk may give discounts")
    discount_by_hospital_admin = forms.BooleanField(required=False, label="Hospital admin may give discounts")


class PriceItemForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=100)
    price = RupeesFormField(label="Price (₹)")


class DoctorFeeForm(BootstrapFormMixin, forms.Form):
    doctor: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, empty_label="Choose a doctor")
    fee = RupeesFormField(required=False, allow_zero=True, label="Fee (₹)", help_text="Empty: the hospital's fee")

    def __init__(self, *args, doctors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = doctors
        self.fields["doctor"].label_from_instance = lambda doctor: doctor.display_name


class CashFilterForm(forms.Form):
    date = forms.DateField(required=False)
    until = forms.DateField(required=False)
    user = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
