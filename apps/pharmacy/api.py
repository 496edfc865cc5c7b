"""REST API v1: the pharmacy's dispense records (medical staff, SPEC §4)."""

from apps.pharmacy import selectors, services
from apps.pharmacy.serializers import DispenseRecordFilter, DispenseRecordOutput
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.pagination import KeysetPagination
from common.permissions import can_view_dispense_records


class PharmacyApi(ApiView):
    permission_classes = [role_permission(can_view_dispense_records)]

    def record(self):
        return selectors.dispense_record_get(hospital=self.request.user.hospital, record_id=self.kwargs["pk"])

    def respond_with_record(self, record):
        # Re-read with the prescription, patient and items the answer shows.
        return self.respond(
            DispenseRecordOutput,
            selectors.dispense_record_get(hospital=self.request.user.hospital, record_id=record.pk),
        )


class DispenseRecordListApi(PharmacyApi):
    query_class = DispenseRecordFilter
    pagination_class = KeysetPagination

    @api_doc(
        summary="Dispense records: pending (to print or hand over), printed, dispensed",
        parameters=[DispenseRecordFilter],
        response=DispenseRecordOutput(many=True),
        errors=(400,),
    )
    def get(self, request):
        status_filter = self.query().get("status")
        records = selectors.dispense_record_list(hospital=request.user.hospital, status=status_filter)
        return self.respond_page(DispenseRecordOutput, records)


class DispenseRecordDetailApi(PharmacyApi):
    @api_doc(
        summary="One dispense record with its prescription and items", response=DispenseRecordOutput, errors=(404,)
    )
    def get(self, request, pk):
        record = services.record_dispense_view(by=request.user, record=self.record(), page="prescription (API)")
        return self.respond(DispenseRecordOutput, record)


class PrintApi(PharmacyApi):
    @api_doc(summary="Mark printed (printing may repeat)", request=None, response=DispenseRecordOutput, errors=(404,))
    def post(self, request, pk):
        return self.respond_with_record(services.mark_as_printed(by=request.user, record=self.record()))


class DispenseApi(PharmacyApi):
    @api_doc(
        summary="Mark dispensed, exactly once (again, or before printing, is a 409)",
        request=None,
        response=DispenseRecordOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        return self.respond_with_record(services.mark_as_dispensed(by=request.user, record=self.record()))
