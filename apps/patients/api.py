"""REST API v1: patients (receptionist; doctors read only, SPEC §4)."""

from rest_framework import status

from apps.patients import selectors, services
from apps.patients.serializers import PatientFilter, PatientInput, PatientOutput
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import can_register_patient, can_search_patients

PatientPermission = role_permission(can_search_patients, write=can_register_patient)


class PatientListApi(ApiView):
    permission_classes = [PatientPermission]

    @api_doc(
        summary="Search patients by name, MRN or phone (a shared phone returns the whole family)",
        parameters=[PatientFilter],
        response=PatientOutput(many=True),
        errors=(400,),
    )
    def get(self, request):
        filters = self.query(PatientFilter)
        patients = selectors.patient_search(hospital=request.user.hospital, q=filters.get("q", ""), limit=None)
        return self.respond_page(PatientOutput, patients)

    @api_doc(summary="Register a patient", request=PatientInput, response=PatientOutput, status_code=201, errors=(400,))
    def post(self, request):
        patient = services.create_patient(by=request.user, **self.input(PatientInput))
        return self.respond(PatientOutput, patient, status.HTTP_201_CREATED)


class PatientDetailApi(ApiView):
    permission_classes = [PatientPermission]

    @api_doc(summary="One patient", response=PatientOutput, errors=(404,))
    def get(self, request, pk):
        return self.respond(PatientOutput, selectors.patient_get(hospital=request.user.hospital, patient_id=pk))

    @api_doc(
        summary="Edit a patient (the MRN never changes)",
        request=PatientInput,
        response=PatientOutput,
        errors=(400, 404),
    )
    def patch(self, request, pk):
        data = self.input(PatientInput, partial=True)
        patient = selectors.patient_get(hospital=request.user.hospital, patient_id=pk)
        return self.respond(PatientOutput, services.update_patient(by=request.user, patient=patient, **data))
