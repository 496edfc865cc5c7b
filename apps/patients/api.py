"""REST API v1: patients (receptionist; doctors read only, SPEC §4)."""

from rest_framework import status

from apps.patients import selectors, services
from apps.patients.serializers import (
    AllergyInput,
    AllergyOutput,
    AllergyUpdateInput,
    PatientFilter,
    PatientInput,
    PatientOutput,
)
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.exceptions import Invalid
from common.permissions import can_read_allergies, can_record_allergies, can_register_patient, can_search_patients

PatientPermission = role_permission(can_search_patients, write=can_register_patient)


class PatientListApi(ApiView):
    query_class = PatientFilter
    permission_classes = [PatientPermission]

    @api_doc(
        summary="Search patients by name, MRN or phone (a shared phone returns the whole family)",
        parameters=[PatientFilter],
        response=PatientOutput(many=True),
        errors=(400,),
    )
    def get(self, request):
        filters = self.query()
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


AllergyPermission = role_permission(can_read_allergies, write=can_record_allergies)
STAYS_RETIRED = "A retired entry stays retired: record it again if it holds once more."


class AllergyListApi(ApiView):
    """A patient's allergies and chronic conditions, one resource told apart by `category` (SPEC §9)."""

    permission_classes = [AllergyPermission]

    def patient(self):
        return selectors.patient_get(hospital=self.request.user.hospital, patient_id=self.kwargs["pk"])

    @api_doc(
        summary="A patient's allergies and chronic conditions, active first, then the retired",
        response=AllergyOutput(many=True),
        errors=(404,),
    )
    def get(self, request, pk):
        allergies = selectors.allergies_for_patient(hospital=request.user.hospital, patient=self.patient())
        return self.respond_page(AllergyOutput, allergies)

    @api_doc(
        summary="Record an allergy or a chronic condition (`category`)",
        request=AllergyInput,
        response=AllergyOutput,
        status_code=201,
        errors=(400, 404),
    )
    def post(self, request, pk):
        patient = self.patient()
        allergy = services.record_allergy(by=request.user, patient=patient, **self.input(AllergyInput))
        return self.respond(AllergyOutput, allergy, status.HTTP_201_CREATED)


class AllergyDetailApi(ApiView):
    permission_classes = [AllergyPermission]

    @api_doc(
        summary="Retire an allergy or condition (`is_active`: false); it stays in the history",
        request=AllergyUpdateInput,
        response=AllergyOutput,
        errors=(400, 404),
    )
    def patch(self, request, pk, allergy_id):
        patient = selectors.patient_get(hospital=request.user.hospital, patient_id=pk)
        allergy = selectors.allergy_get(hospital=request.user.hospital, patient=patient, allergy_id=allergy_id)
        data = self.input(AllergyUpdateInput)
        if data["is_active"]:
            if allergy.is_active:
                return self.respond(AllergyOutput, allergy)
            raise Invalid.on_field("is_active", STAYS_RETIRED)
        return self.respond(AllergyOutput, services.retire_allergy(by=request.user, allergy=allergy))
