"""REST API v1: the doctor's queue and consultation sessions (SPEC §4)."""

from apps.consultations.selectors import get_doctor_queue, session_get
from apps.consultations.serializers import SessionOutput
from apps.consultations.services import record_session_view
from apps.opd import services
from apps.opd.serializers import ConsultationOutput, QueueEntryOutput
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import can_complete_session, can_see_queue, can_start_session, can_view_session


class QueueApi(ApiView):
    permission_classes = [role_permission(can_see_queue)]

    @api_doc(summary="Your open sessions, oldest first, with patient and vitals", response=QueueEntryOutput(many=True))
    def get(self, request):
        return self.respond_page(QueueEntryOutput, get_doctor_queue(doctor=request.user))


class SessionApi(ApiView):
    permission_classes = [role_permission(can_view_session)]

    @api_doc(
        summary="A session: patient, vitals and the visit's prescription (read only; each read is audited)",
        description="Changes nothing: `POST .../start/` starts the consultation and opens the prescription.",
        response=ConsultationOutput,
        errors=(404,),
    )
    def get(self, request, pk):
        session = session_get(hospital=request.user.hospital, session_id=pk)
        return self.respond(ConsultationOutput, record_session_view(by=request.user, session=session))


class StartSessionApi(ApiView):
    permission_classes = [role_permission(can_start_session)]

    @api_doc(
        summary="Start the consultation: the patient is 'in consultation' and the prescription exists",
        description="Starting a session already started changes nothing and answers the same.",
        request=None,
        response=ConsultationOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        session = session_get(hospital=request.user.hospital, session_id=pk)
        session = services.start_consultation(by=request.user, session=session)
        return self.respond(ConsultationOutput, session)


class CompleteSessionApi(ApiView):
    permission_classes = [role_permission(can_complete_session)]

    @api_doc(
        summary="Complete a started session, once; the pharmacy then sees its active items",
        request=None,
        response=SessionOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        session = session_get(hospital=request.user.hospital, session_id=pk)
        return self.respond(SessionOutput, services.complete_consultation(by=request.user, session=session))
