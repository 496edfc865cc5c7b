"""REST API v1: the doctor's queue and consultation sessions (SPEC §4)."""

from apps.consultations import selectors, services
from apps.consultations.serializers import ConsultationOutput, QueueEntryOutput
from apps.visits.serializers import SessionOutput
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import can_see_queue

DoctorOnly = role_permission(can_see_queue)


class QueueApi(ApiView):
    permission_classes = [DoctorOnly]

    @api_doc(summary="Your open sessions, oldest first, with patient and vitals", response=QueueEntryOutput(many=True))
    def get(self, request):
        return self.respond_page(QueueEntryOutput, selectors.get_doctor_queue(doctor=request.user))


class SessionApi(ApiView):
    permission_classes = [DoctorOnly]

    @api_doc(
        summary="Open a session: patient, vitals and the prescription (created on first open)",
        description="Marks the patient 'in consultation' the first time; each read is audited.",
        response=ConsultationOutput,
        errors=(404,),
    )
    def get(self, request, pk):
        session = selectors.consultation_get(hospital=request.user.hospital, session_id=pk)
        return self.respond(ConsultationOutput, services.open_session(by=request.user, session=session))


class CompleteSessionApi(ApiView):
    permission_classes = [DoctorOnly]

    @api_doc(
        summary="Complete a session, once; the pharmacy then sees its active items",
        request=None,
        response=SessionOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        session = selectors.consultation_get(hospital=request.user.hospital, session_id=pk)
        return self.respond(SessionOutput, services.complete_session(by=request.user, session=session))
