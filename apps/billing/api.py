"""REST API v1: bills, payments, refunds, the day's cash and the hospital's fees (SPEC §4, §12).

Amounts are rupees as decimal strings ("250.00", at most two decimals) both ways."""

from rest_framework import status
from rest_framework.response import Response

from apps.billing import selectors, services
from apps.billing.serializers import (
    BillFilter,
    BillingSettingsInput,
    BillingSettingsOutput,
    BillInput,
    BillOutput,
    CancelInput,
    CashFilter,
    CashOutput,
    ChargeInput,
    CloseDayInput,
    DayCloseOutput,
    DiscountInput,
    DoctorFeeInput,
    PaymentInput,
    PaymentOutput,
    PriceItemInput,
    PriceItemOutput,
    PriceItemPatch,
    RefundInput,
)
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.exceptions import Invalid
from common.pagination import KeysetPagination
from common.permissions import (
    can_bill,
    can_cancel_bill,
    can_close_day,
    can_give_discount,
    can_manage_billing,
    can_read_bills,
    can_refund,
    can_view_all_cash,
    require,
)


def _bill(request, pk):
    return selectors.bill_get(hospital=request.user.hospital, bill_id=pk)


class BillListApi(ApiView):
    query_class = BillFilter
    permission_classes = [role_permission(can_read_bills, write=can_bill)]
    pagination_class = KeysetPagination

    @api_doc(
        summary="Bills, newest first, with lines and payments", parameters=[BillFilter], response=BillOutput(many=True)
    )
    def get(self, request):
        filters = self.query()
        bills = selectors.bill_list(
            hospital=request.user.hospital,
            visit_id=filters.get("visit"),
            day=filters.get("date"),
            status=filters.get("status"),
        )
        return self.respond_page(BillOutput, bills)

    @api_doc(
        summary="Bill a visit's latest session: its fee (the doctor's or the hospital's; a follow-up inside validity "
        "free or at the follow-up fee) plus price-list extras",
        request=BillInput,
        response=BillOutput,
        status_code=201,
        errors=(400, 409),
    )
    def post(self, request):
        data = self.input(BillInput)
        extras = [(extra["price_item"], extra["quantity"]) for extra in data.get("extras", [])]
        bill = services.create_bill(by=request.user, visit=data["visit"], extras=extras)
        return self.respond(BillOutput, _bill(request, bill.pk), status.HTTP_201_CREATED)


class BillDetailApi(ApiView):
    permission_classes = [role_permission(can_read_bills)]

    @api_doc(summary="One bill with its balance, lines and payments", response=BillOutput, errors=(404,))
    def get(self, request, pk):
        return self.respond(BillOutput, _bill(request, pk))


class ChargeApi(ApiView):
    permission_classes = [role_permission(can_bill)]

    @api_doc(
        summary="Add an extra charge from the price list",
        request=ChargeInput,
        response=BillOutput,
        status_code=201,
        errors=(400, 404, 409),
    )
    def post(self, request, pk):
        bill = _bill(request, pk)
        data = self.input(ChargeInput)
        services.add_charge(by=request.user, bill=bill, price_item=data["price_item"], quantity=data["quantity"])
        return self.respond(BillOutput, _bill(request, pk), status.HTTP_201_CREATED)


class DiscountApi(ApiView):
    permission_classes = [role_permission(can_give_discount)]

    @api_doc(
        summary="Give a discount with a reason (roles as the hospital allows; never above the balance)",
        request=DiscountInput,
        response=BillOutput,
        status_code=201,
        errors=(400, 404, 409),
    )
    def post(self, request, pk):
        bill = _bill(request, pk)
        services.give_discount(by=request.user, bill=bill, **self.input(DiscountInput))
        return self.respond(BillOutput, _bill(request, pk), status.HTTP_201_CREATED)


class PaymentApi(ApiView):
    permission_classes = [role_permission(can_bill)]

    @api_doc(
        summary="Take a payment, partly or wholly (never above the balance); answers with the receipt",
        description="UPI and card need a `reference`. `overpayment` above the balance, `bill_cancelled` on a "
        "cancelled bill, `day_closed` after you closed today's cash.",
        request=PaymentInput,
        response=PaymentOutput,
        status_code=201,
        errors=(400, 404, 409),
    )
    def post(self, request, pk):
        bill = _bill(request, pk)
        payment = services.take_payment(by=request.user, bill=bill, **self.input(PaymentInput))
        return self.respond(PaymentOutput, payment, status.HTTP_201_CREATED)


class RefundApi(ApiView):
    permission_classes = [role_permission(can_refund)]

    @api_doc(
        summary="Refund money paid on a bill, with a reason (hospital admin; never more than paid)",
        request=RefundInput,
        response=PaymentOutput,
        status_code=201,
        errors=(400, 404, 409),
    )
    def post(self, request, pk):
        bill = _bill(request, pk)
        refund = services.refund_payment(by=request.user, bill=bill, **self.input(RefundInput))
        return self.respond(PaymentOutput, refund, status.HTTP_201_CREATED)


class CancelBillApi(ApiView):
    permission_classes = [role_permission(can_cancel_bill)]

    @api_doc(
        summary="Cancel a bill with a reason (money paid on it is refunded first)",
        request=CancelInput,
        response=BillOutput,
        errors=(400, 404, 409),
    )
    def post(self, request, pk):
        bill = _bill(request, pk)
        services.cancel_bill(by=request.user, bill=bill, **self.input(CancelInput))
        return self.respond(BillOutput, _bill(request, pk))


def cash_for(request, filters: dict):
    """The day's cash the filters ask for: one's own, or (hospital admin) anyone's or everyone's."""
    hospital = request.user.hospital
    since = filters.get("date") or hospital.local_date()
    until = filters.get("until") or since
    user = request.user
    if can_view_all_cash(request.user):
        user = selectors.cash_user_get(hospital=hospital, user_id=filters["user"]) if filters.get("user") else None
    else:
        require(filters.get("user") in (None, request.user.pk), "You see your own day's cash.")
    cash = selectors.day_cash(hospital=hospital, since=since, until=until, user=user)
    cash.desk = selectors.cash_desk_users(hospital=hospital, day=since) if user is None and since == until else None
    cash.not_closed = [row["user"].username for row in cash.desk or () if not row["closed"]]
    return cash


class CashApi(ApiView):
    query_class = CashFilter
    permission_classes = [role_permission(can_read_bills)]

    @api_doc(
        summary="The day's cash: receipts − refunds = collections, per mode, doctor and user",
        description="The front desk sees its own; the hospital admin everyone's (or `user`'s), and who has not "
        "closed the day. `date` alone is one day; with `until`, a range.",
        parameters=[CashFilter],
        response=CashOutput,
        errors=(400, 404),
    )
    def get(self, request):
        filters = self.query()
        if filters.get("until") and filters.get("date") and filters["until"] < filters["date"]:
            raise Invalid.on_field("until", "The range ends before it starts.")
        return self.respond(CashOutput, cash_for(request, filters))


class CloseDayApi(ApiView):
    permission_classes = [role_permission(can_close_day)]

    @api_doc(
        summary="Close your day's cash: nothing new is dated in it afterwards",
        request=CloseDayInput,
        response=DayCloseOutput,
        status_code=201,
        errors=(400, 409),
    )
    def post(self, request):
        close = services.close_day(by=request.user, day=self.input(CloseDayInput).get("date"))
        return self.respond(DayCloseOutput, close, status.HTTP_201_CREATED)


class BillingSettingsApi(ApiView):
    permission_classes = [role_permission(can_manage_billing)]

    @api_doc(summary="The hospital's fees and billing rules", response=BillingSettingsOutput)
    def get(self, request):
        return self.respond(BillingSettingsOutput, selectors.billing_settings_get(hospital=request.user.hospital))

    @api_doc(
        summary="Change fees and billing rules",
        request=BillingSettingsInput,
        response=BillingSettingsOutput,
        errors=(400,),
    )
    def patch(self, request):
        settings = services.update_billing_settings(by=request.user, **self.input(BillingSettingsInput))
        return self.respond(BillingSettingsOutput, settings)


class PriceListApi(ApiView):
    permission_classes = [role_permission(can_read_bills, write=can_manage_billing)]

    @api_doc(summary="The hospital's price list of extra charges", response=PriceItemOutput(many=True))
    def get(self, request):
        return self.respond_page(PriceItemOutput, selectors.price_list(hospital=request.user.hospital))

    @api_doc(
        summary="Add an entry to the price list",
        request=PriceItemInput,
        response=PriceItemOutput,
        status_code=201,
        errors=(400,),
    )
    def post(self, request):
        item = services.save_price_item(by=request.user, **self.input(PriceItemInput))
        return self.respond(PriceItemOutput, item, status.HTTP_201_CREATED)


class PriceItemApi(ApiView):
    permission_classes = [role_permission(can_manage_billing)]

    @api_doc(
        summary="Change or retire a price list entry",
        request=PriceItemPatch,
        response=PriceItemOutput,
        errors=(400, 404),
    )
    def patch(self, request, pk):
        item = selectors.price_item_get(hospital=request.user.hospital, price_item_id=pk)
        item = services.save_price_item(by=request.user, item=item, **self.input(PriceItemPatch))
        return self.respond(PriceItemOutput, item)


class DoctorFeeApi(ApiView):
    permission_classes = [role_permission(can_manage_billing)]

    @api_doc(
        summary="Set a doctor's own consultation fee (null: the hospital's default)",
        request=DoctorFeeInput,
        response=None,
        status_code=204,
        errors=(400,),
    )
    def post(self, request):
        services.set_doctor_fee(by=request.user, **self.input(DoctorFeeInput))
        return Response(status=status.HTTP_204_NO_CONTENT)
