"""REST API v1: visits with vitals, follow-ups and closing (SPEC §4)."""

from rest_framework import status

from apps.consultations.serializers import SessionOutput
from apps.visits import selectors, services
from apps.visits.serializers import DoctorOutput, VisitFilter, VisitInput, VisitOutput
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.constants import Role
from common.pagination import KeysetPagination
from common.permissions import (
    can_close_visit,
    can_create_visit,
    can_read_visit,
    can_start_follow_up,
    has_role,
    require,
)


class DoctorListApi(ApiView):
    permission_classes = [role_permission(can_create_visit)]

    @api_doc(
        summary="The hospital's active doctors: whom a visit can be created with", response=DoctorOutput(many=True)
    )
    def get(self, request):
        return self.respond_page(DoctorOutput, selectors.active_doctors(hospital=request.user.hospital))


class VisitListApi(ApiView):
    query_class = VisitFilter
    permission_classes = [role_permission(can_read_visit, write=can_create_visit)]
    pagination_class = KeysetPagination

    @api_doc(
        summary="Visits, newest first (a doctor sees their own)",
        parameters=[VisitFilter],
        response=VisitOutput(many=True),
        errors=(400,),
    )
    def get(self, request):
        filters = self.query()
        visits = selectors.visit_list(
            hospital=request.user.hospital,
            doctor=request.user if has_role(request.user, Role.DOCTOR) else None,
            patient_id=filters.get("patient"),
            day=filters.get("date"),
            is_active=filters.get("is_active"),
        )
        return self.respond_page(VisitOutput, visits)

    @api_doc(
        summary="Create a visit with vitals; opens session 1 with the doctor's next token",
        description=(
            "A patient may not have two active, unexpired visits with one doctor: the second is a 409 whose "
            "`existing_visit` names the visit to follow up instead."
        ),
        request=VisitInput,
        response=VisitOutput,
        status_code=201,
        errors=(400, 409),
    )
    def post(self, request):
        visit = services.create_visit_with_vitals(by=request.user, **self.input(VisitInput))
        # The new visit holds its patient, doctor and vitals already; only its session list is read.
        return self.respond(VisitOutput, visit, status.HTTP_201_CREATED)


class VisitDetailApi(ApiView):
    permission_classes = [role_permission(can_read_visit)]

    @api_doc(summary="One visit with its vitals and sessions", response=VisitOutput, errors=(404,))
    def get(self, request, pk):
        visit = selectors.visit_detail_get(hospital=request.user.hospital, visit_id=pk)
        require(can_read_visit(request.user, visit))
        return self.respond(VisitOutput, visit)


class FollowUpApi(ApiView):
    permission_classes = [role_permission(can_start_follow_up)]

    @api_doc(
        summary="Open the next session of an active, unexpired visit without an open session",
        request=None,
        response=SessionOutput,
        status_code=201,
        errors=(404, 409),
    )
    def post(self, request, pk):
        visit = selectors.visit_get(hospital=request.user.hospital, visit_id=pk)
        session = services.start_follow_up(by=request.user, visit=visit)
        return self.respond(SessionOutput, session, status.HTTP_201_CREATED)


class CloseVisitApi(ApiView):
    permission_classes = [role_permission(can_close_visit)]

    @api_doc(
        summary="Close a visit (refused while a session is open)",
        request=None,
        response=VisitOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        visit = selectors.visit_get(hospital=request.user.hospital, visit_id=pk)
        visit = services.close_visit(by=request.user, visit=visit)
        return self.respond(VisitOutput, selectors.visit_detail_get(hospital=request.user.hospital, visit_id=visit.pk))
