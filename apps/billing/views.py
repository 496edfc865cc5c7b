"""Billing pages: bill a visit (with the new-visit form, or later), a bill with its balance, receipts for A5
and an 80 mm roll, the day's cash with its close and CSV, and the hospital admin's fees and price list."""

from collections.abc import Callable

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.billing import forms, selectors, services
from apps.billing.api import cash_for
from apps.billing.money import format_rupees
from apps.visits.selectors import visit_get
from apps.visits.views import PatientChartView
from common.csv_export import csv_lines
from common.exceptions import Conflict, DomainError, Invalid, NotFound, PermissionDenied
from common.mixins import DomainErrorMixin, RoleRequiredMixin, add_domain_error
from common.permissions import (
    can_bill,
    can_cancel_bill,
    can_close_day,
    can_give_discount,
    can_manage_billing,
    can_read_bills,
    can_refund,
)
from common.submissions import Done, submit_once


class BillPageMixin(RoleRequiredMixin, DomainErrorMixin):
    role_check = can_read_bills

    @cached_property
    def bill(self):
        return selectors.bill_get(hospital=self.request.user.hospital, bill_id=self.kwargs["pk"])

    def bill_page(self, status=200, **forms_given):
        hospital = self.request.user.hospital
        user = self.request.user
        settings = selectors.billing_settings_get(hospital=hospital)
        context = {
            "bill": self.bill,
            "payment_form": forms_given.get("payment_form") or forms.PaymentForm(),
            "charge_form": forms_given.get("charge_form")
            or forms.ChargeForm(price_list=selectors.price_list(hospital=hospital, active_only=True)),
            "discount_form": forms_given.get("discount_form") or forms.DiscountForm(),
            "cancel_form": forms_given.get("cancel_form") or forms.CancelForm(),
            "refund_form": forms_given.get("refund_form") or forms.RefundForm(),
            "may_bill": can_bill(user),
            "may_discount": can_give_discount(user, settings),
            "may_cancel": can_cancel_bill(user),
            "may_refund": can_refund(user),
        }
        return TemplateResponse(self.request, "billing/bill.html", context, status=status)


class BillView(BillPageMixin, View):
    def get(self, request, pk):
        return self.bill_page()


class BillActionView(BillPageMixin, View):
    """POST one form of the bill page to one service; on an error the page comes back with the input kept.

    Once per form sent (`submit_once`): the same payment or discount sent again — a retry on a bad
    connection, the page open in two tabs — is answered "already sent" instead of a second receipt.
    """

    form_name: str

    def make_form(self, data):
        return getattr(forms, self.form_class)(data)

    def post(self, request, pk):
        return submit_once(request, lambda: self.submit(self.make_form(request.POST)))

    def submit(self, form) -> Done | TemplateResponse:
        if form.is_valid():
            try:
                result = self.act(form.cleaned_data)
            except (NotFound, PermissionDenied):
                raise
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return Done(reverse("billing:bill", args=[self.bill.pk]), self.message(result))
        self.__dict__.pop("bill", None)
        return self.bill_page(status=400, **{self.form_name: form})


class PayView(BillActionView):
    role_check = can_bill
    form_class, form_name = "PaymentForm", "payment_form"

    def act(self, data):
        return services.take_payment(by=self.request.user, bill=self.bill, **data)

    def message(self, payment):
        note = f" {payment.note}" if payment.note else ""
        return f"Received ₹{format_rupees(payment.amount)}: receipt {payment.receipt_number}.{note}"


class ChargeView(BillActionView):
    role_check = can_bill
    form_name = "charge_form"

    def make_form(self, data):
        return forms.ChargeForm(
            data, price_list=selectors.price_list(hospital=self.request.user.hospital, active_only=True)
        )

    def act(self, data):
        return services.add_charge(by=self.request.user, bill=self.bill, **data)

    def message(self, line):
        return f"Added {line.description} (₹{format_rupees(line.amount)})."


class DiscountView(BillActionView):
    role_check = can_give_discount
    form_class, form_name = "DiscountForm", "discount_form"

    def act(self, data):
        return services.give_discount(by=self.request.user, bill=self.bill, **data)

    def message(self, line):
        return f"Discount of ₹{format_rupees(-line.amount)} given."


class CancelView(BillActionView):
    role_check = can_cancel_bill
    form_class, form_name = "CancelForm", "cancel_form"

    def act(self, data):
        return services.cancel_bill(by=self.request.user, bill=self.bill, **data)

    def message(self, bill):
        return f"Bill #{bill.pk} cancelled."


class RefundView(BillActionView):
    role_check = can_refund
    form_class, form_name = "RefundForm", "refund_form"

    def act(self, data):
        return services.refund_payment(by=self.request.user, bill=self.bill, **data)

    def message(self, refund):
        return f"Refunded ₹{format_rupees(refund.amount)}: voucher {refund.receipt_number}."


class BillVisitView(RoleRequiredMixin, DomainErrorMixin, View):
    """Bill a visit later (its latest session), from the patient's page."""

    role_check = can_bill

    def post(self, request, pk):
        visit = visit_get(hospital=request.user.hospital, visit_id=pk)
        bill = services.create_bill(by=request.user, visit=visit)
        messages.success(request, f"Bill #{bill.pk}: ₹{format_rupees(bill.total)} to pay.")
        return redirect("billing:bill", bill.pk)


PAYMENT_NOT_TAKEN = "To take this payment, press “Create visit and bill”; to bill later, leave it empty."


class VisitWithBillView(PatientChartView):
    """The new-visit form's buttons: "Create visit and bill" makes the visit (visits' own form and service),
    then its bill and, if an amount is given, the payment; "Create visit" (`bill=later`) only the visit. The
    fee part is checked first, so a bad payment input creates nothing, and an amount typed in "Paid now" is
    refused by "Create visit" rather than dropped (the desk would have taken money nothing records); each
    step is its own service and audit event."""

    role_check = can_bill

    def get(self, request, pk):
        return redirect("visits:patient", pk)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("fee_form", forms.VisitFeeForm())
        return super().get_context_data(**kwargs)

    def create_visit(self, form):
        fee_form = forms.VisitFeeForm(self.request.POST)
        bill_later = self.request.POST.get("bill") == "later"
        valid = form.is_valid() & fee_form.is_valid()
        if valid and bill_later and fee_form.cleaned_data["pay_amount"]:
            fee_form.add_error("pay_amount", PAYMENT_NOT_TAKEN)
            valid = False
        if not valid:
            return self.render_to_response(self.get_context_data(visit_form=form, fee_form=fee_form), status=400)
        outcome = super().create_visit(form)
        if not isinstance(outcome, Done):
            outcome.context_data["fee_form"] = fee_form
            return outcome
        if bill_later:
            return outcome
        visit = selectors.latest_visit_of(hospital=self.request.user.hospital, patient=self.patient)
        bill = services.create_bill(by=self.request.user, visit=visit)
        message = f"{outcome.message} Bill #{bill.pk}: ₹{format_rupees(bill.total)}."
        amount = fee_form.cleaned_data["pay_amount"]
        if amount:
            try:
                payment = services.take_payment(
                    by=self.request.user,
                    bill=bill,
                    amount=amount,
                    mode=fee_form.cleaned_data["pay_mode"],
                    reference=fee_form.cleaned_data["pay_reference"],
                )
            except (Invalid, Conflict) as error:
                messages.error(self.request, f"The visit and bill are made; the payment was not taken: {error.message}")
            else:
                message += f" Receipt {payment.receipt_number}."
        return Done(reverse("billing:bill", args=[bill.pk]), message)


class ReceiptView(RoleRequiredMixin, DomainErrorMixin, TemplateView):
    """A receipt or refund voucher to print: `?size=roll` for the 80 mm thermal roll, A5 otherwise."""

    role_check = can_read_bills
    template_name = "billing/receipt.html"

    def get_context_data(self, **kwargs):
        payment = selectors.payment_get(hospital=self.request.user.hospital, payment_id=self.kwargs["pk"])
        bill = selectors.bill_get(hospital=self.request.user.hospital, bill_id=payment.bill_id)
        size = "roll" if self.request.GET.get("size") == "roll" else "a5"
        return super().get_context_data(payment=payment, bill=bill, size=size, **kwargs)


class CashView(RoleRequiredMixin, DomainErrorMixin, TemplateView):
    """The day's cash: one's own (the front desk), or everyone's and who has not closed (the hospital admin)."""

    role_check = can_read_bills
    template_name = "billing/cash.html"

    def filters(self) -> dict:
        form = forms.CashFilterForm(self.request.GET)
        if not form.is_valid():
            return {}
        return {key: value for key, value in form.cleaned_data.items() if value}

    def get_context_data(self, **kwargs):
        filters = self.filters()
        cash = cash_for(self.request, filters)
        hospital = self.request.user.hospital
        today = hospital.local_date()
        me = self.request.user
        context = {
            "cash": cash,
            "today": today,
            "filters": filters,
            # The day's closes are everyone's (no user chosen) or one's own: one's own close is among them.
            "may_close": can_close_day(me)
            and cash.is_one_day
            and cash.since <= today
            and cash.user in (None, me)
            and not any(close.user_id == me.pk for close in cash.closes),
            "desk": cash.desk,
        }
        return super().get_context_data(**context, **kwargs)


class CloseDayView(RoleRequiredMixin, DomainErrorMixin, View):
    role_check = can_close_day

    def post(self, request):
        form = forms.CashFilterForm(request.POST)
        if not form.is_valid():  # a day that is no date closes nothing (not today instead)
            messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
            return redirect("billing:cash")
        close = services.close_day(by=request.user, day=form.cleaned_data.get("date"))
        messages.success(
            request,
            f"Closed your cash for {close.business_date:%d %b %Y}: ₹{format_rupees(close.receipts)} received − "
            f"₹{format_rupees(close.refunds)} refunded = ₹{format_rupees(close.collections)}.",
        )
        return redirect(f"{reverse('billing:cash')}?date={close.business_date.isoformat()}")


class CashCsvView(CashView):
    """The same report's entries as CSV, formula-safe (common.csv_export), totals last."""

    def get(self, request, *args, **kwargs):
        cash = cash_for(request, self.filters())

        def rows():
            entries = selectors.cash_entries(
                hospital=request.user.hospital, since=cash.since, until=cash.until, user=cash.user
            )
            for entry in entries:
                yield [
                    entry.business_date.isoformat(),
                    entry.receipt_number,
                    entry.get_kind_display(),
                    entry.get_mode_display(),
                    format_rupees(entry.signed_amount),
                    entry.bill_id,
                    entry.bill.patient.mrn,
                    entry.doctor.username,
                    entry.received_by.username,
                    entry.reference,
                    entry.reason,
                    entry.note,
                ]
            yield []
            yield ["receipts", format_rupees(cash.receipts)]
            yield ["refunds", format_rupees(cash.refunds)]
            yield ["collections", format_rupees(cash.collections)]
            yield ["receipts - refunds = collections", "yes" if cash.balanced else "NO"]

        header = [
            "date",
            "number",
            "kind",
            "mode",
            "amount",
            "bill",
            "mrn",
            "doctor",
            "user",
            "reference",
            "reason",
            "note",
        ]
        response = StreamingHttpResponse(csv_lines(header, rows()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cash-{cash.since}-{cash.until}.csv"'
        return response


class SettingsView(RoleRequiredMixin, DomainErrorMixin, TemplateView):
    """The hospital admin's fees, billing rules, doctors' fees and price list; each form posts to this page."""

    role_check = can_manage_billing
    template_name = "billing/settings.html"

    def forms(self, **given):
        hospital = self.request.user.hospital
        settings = selectors.billing_settings_get(hospital=hospital)
        initial = {name: getattr(settings, name) for name in services.SETTINGS_FIELDS}
        initial["default_consultation_fee"] = format_rupees(settings.default_consultation_fee)
        initial["follow_up_fee"] = format_rupees(settings.follow_up_fee)
        doctors = selectors.doctor_fees(hospital=hospital)
        return {
            "settings_form": given.get("settings_form") or forms.SettingsForm(initial=initial),
            "item_form": given.get("item_form") or forms.PriceItemForm(),
            "fee_form": given.get("fee_form") or forms.DoctorFeeForm(doctors=doctors),
            "price_list": selectors.price_list(hospital=hospital),
            "doctors": doctors,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**(kwargs | self.forms(**kwargs)))

    def post(self, request):
        action = request.POST.get("form")
        hospital = request.user.hospital
        write: Callable[[dict], object]
        if action == "settings":
            form, name = forms.SettingsForm(request.POST), "settings_form"
            write = lambda data: services.update_billing_settings(by=request.user, **data)  # noqa: E731 (one line per form)
        elif action == "fee":
            form, name = forms.DoctorFeeForm(request.POST, doctors=selectors.doctor_fees(hospital=hospital)), "fee_form"
            write = lambda data: services.set_doctor_fee(by=request.user, **data)  # noqa: E731 (one line per form)
        elif action == "retire" or action == "restore":
            item = selectors.price_item_get(hospital=hospital, price_item_id=_id(request.POST.get("item")))
            services.save_price_item(by=request.user, item=item, is_active=action == "restore")
            messages.success(
                request, f"{item.name} {'back on' if action == 'restore' else 'taken off'} the price list."
            )
            return redirect("billing:settings")
        else:
            form, name = forms.PriceItemForm(request.POST), "item_form"
            write = lambda data: services.save_price_item(by=request.user, **data)  # noqa: E731 (one line per form)
        if form.is_valid():
            try:
                write(form.cleaned_data)
            except (Invalid, Conflict) as error:
                add_domain_error(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("billing:settings")
        return self.render_to_response(self.get_context_data(**{name: form}), status=400)


def _id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 1 <= number < 2**63:
        raise NotFound()
    return number
