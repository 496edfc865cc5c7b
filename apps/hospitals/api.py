"""REST API v1: hospitals and their limits (super admin only, SPEC §4)."""

from rest_framework import status

from apps.hospitals import selectors, services
from apps.hospitals.serializers import HospitalInput, HospitalOutput, HospitalUpdateInput
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import can_manage_hospitals


class HospitalListApi(ApiView):
    permission_classes = [role_permission(can_manage_hospitals)]

    @api_doc(summary="Every hospital of the installation", response=HospitalOutput(many=True))
    def get(self, request):
        return self.respond_page(HospitalOutput, selectors.hospital_list())

    @api_doc(
        summary="Create a hospital", request=HospitalInput, response=HospitalOutput, status_code=201, errors=(400,)
    )
    def post(self, request):
        hospital = services.create_hospital(by=request.user, **self.input(HospitalInput))
        return self.respond(HospitalOutput, hospital, status.HTTP_201_CREATED)


class HospitalDetailApi(ApiView):
    permission_classes = [role_permission(can_manage_hospitals)]

    @api_doc(summary="One hospital", response=HospitalOutput, errors=(404,))
    def get(self, request, pk):
        return self.respond(HospitalOutput, selectors.hospital_get(hospital_id=pk))

    @api_doc(
        summary="Change limits, details or is_active (deactivating ends its users' sessions and tokens)",
        request=HospitalUpdateInput,
        response=HospitalOutput,
        errors=(400, 404),
    )
    def patch(self, request, pk):
        data = self.input(HospitalUpdateInput, partial=True)
        hospital = selectors.hospital_get(hospital_id=pk)
        return self.respond(HospitalOutput, services.update_hospital(by=request.user, hospital=hospital, **data))
