"""REST API v1: the doctor's queue and consultation sessions (SPEC §4)."""

from apps.consultations import services as queue_services
from apps.consultations.selectors import get_doctor_queue, open_session_of_visit, session_get
from apps.consultations.serializers import SessionOutput
from apps.consultations.services import record_session_view
from apps.opd import services
from apps.opd.selectors import consultation_get
from apps.opd.serializers import ConsultationOutput, MoveInput, PriorityInput, QueueEntryOutput, QueueStateOutput
from apps.visits.selectors import visit_get
from apps.visits.services import move_visit
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import (
    can_arrange_queue,
    can_call_patients,
    can_complete_session,
    can_see_queue,
    can_start_session,
    can_view_session,
)


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
        session = consultation_get(hospital=request.user.hospital, session_id=pk, reader=request.user)
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


# The waiting room (SPEC §11): each action answers with the token it acted on and its doctor's queue.


def _queue_state(view: ApiView, session):
    queue = get_doctor_queue(doctor=session.doctor)
    acted = next((entry for entry in queue if entry.pk == session.pk), None)
    return view.respond(QueueStateOutput, {"session": acted or session, "queue": queue})


class CallNextApi(ApiView):
    permission_classes = [role_permission(can_call_patients)]

    @api_doc(
        summary="Call the next token of your queue: emergency, then elderly and pregnant, then the longest waiting",
        description="Simultaneous calls each get a different token. Nobody waiting is a 409 `queue_empty`.",
        request=None,
        response=QueueStateOutput,
        errors=(409,),
    )
    def post(self, request):
        session = queue_services.call_next(by=request.user)
        return _queue_state(self, session)


class RecallApi(ApiView):
    permission_classes = [role_permission(can_call_patients)]

    @api_doc(
        summary="Call a called token again (the display shows it anew)",
        request=None,
        response=QueueStateOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        session = session_get(hospital=request.user.hospital, session_id=pk)
        return _queue_state(self, queue_services.recall_patient(by=request.user, session=session))


class SkipApi(ApiView):
    permission_classes = [role_permission(can_call_patients)]

    @api_doc(
        summary="Skip a called token: back behind the next two waiting; the second skip makes it a no-show",
        request=None,
        response=QueueStateOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        session = session_get(hospital=request.user.hospital, session_id=pk)
        return _queue_state(self, queue_services.skip_patient(by=request.user, session=session))


class VisitPriorityApi(ApiView):
    permission_classes = [role_permission(can_arrange_queue)]

    @api_doc(
        summary="Mark the priority of a visit's waiting token (none, elderly, emergency, pregnant)",
        request=PriorityInput,
        response=QueueStateOutput,
        errors=(400, 404, 409),
    )
    def post(self, request, pk):
        visit = visit_get(hospital=request.user.hospital, visit_id=pk)
        data = self.input(PriorityInput)
        session = open_session_of_visit(visit=visit)
        session = queue_services.set_queue_priority(by=request.user, session=session, priority=data["priority"])
        return _queue_state(self, session)


class VisitMoveApi(ApiView):
    permission_classes = [role_permission(can_arrange_queue)]

    @api_doc(
        summary="Move a waiting patient to another active doctor: a new token in that doctor's day",
        description="The old token is released and never handed out again that day.",
        request=MoveInput,
        response=QueueStateOutput,
        errors=(400, 404, 409),
    )
    def post(self, request, pk):
        visit = visit_get(hospital=request.user.hospital, visit_id=pk)
        data = self.input(MoveInput)
        return _queue_state(self, move_visit(by=request.user, visit=visit, doctor=data["doctor"]))


class VisitRequeueApi(ApiView):
    permission_classes = [role_permission(can_arrange_queue)]

    @api_doc(
        summary="Put a no-show (skipped twice) back at the end of the doctor's queue",
        request=None,
        response=QueueStateOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        visit = visit_get(hospital=request.user.hospital, visit_id=pk)
        session = open_session_of_visit(visit=visit)
        return _queue_state(self, queue_services.requeue_no_show(by=request.user, session=session))
