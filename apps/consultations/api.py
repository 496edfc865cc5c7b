"""REST API v1: the consultation record, ICD-10 search, the hospital's pick lists and shorthand (SPEC §4, §9)."""

from rest_framework import status
from rest_framework.response import Response

from apps.consultations import selectors, services
from apps.consultations.serializers import (
    IcdCodeOutput,
    IcdQuery,
    IcdSynonymInput,
    IcdSynonymOutput,
    PickListEntryInput,
    PickListEntryOutput,
    PickListQuery,
    PickListsOutput,
    RecordInput,
    RecordOutput,
    StatusInput,
)
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import (
    can_manage_pick_lists,
    can_read_pick_lists,
    can_read_record,
    can_search_icd10,
    can_write_record,
)


class RecordApi(ApiView):
    permission_classes = [role_permission(can_read_record, write=can_write_record)]

    def _session(self):
        return selectors.session_get(hospital=self.request.user.hospital, session_id=self.kwargs["pk"])

    def _answer(self, session):
        return self.respond(RecordOutput, selectors.record_for_session(hospital=session.hospital, session=session))

    @api_doc(
        summary="The session's consultation record (its doctor; each read is audited as consultation.view)",
        response=RecordOutput,
        errors=(404,),
    )
    def get(self, request, pk):
        return self._answer(services.record_session_view(by=request.user, session=self._session()))

    @api_doc(
        summary="Write parts of the record while the session is open and started",
        description=(
            "Only the fields sent change; a list (complaints, diagnoses, investigations) is replaced whole. "
            "`follow_up_date` and `follow_up_days` exclude each other: setting one clears the other, null clears "
            "both. A diagnosis has an ICD-10 `icd_code` or a free `text`. Unknown fields are refused by name."
        ),
        request=RecordInput,
        response=RecordOutput,
        errors=(400, 404, 409),
    )
    def patch(self, request, pk):
        data = self.input(RecordInput)
        session = self._session()
        services.update_consultation_record(by=request.user, session=session, **data)
        return self._answer(session)


class IcdSearchApi(ApiView):
    query_class = IcdQuery
    permission_classes = [role_permission(can_search_icd10)]
    pagination_class = None  # a ranked list of at most 20: page 2 of a search nobody reads

    @api_doc(
        summary="ICD-10 codes for a code, words or shorthand, best first (at most 20; the hospital's shorthand first)",
        response=IcdCodeOutput(many=True),
        parameters=[IcdQuery],
        errors=(400,),
    )
    def get(self, request):
        q = self.query()["q"]
        return Response(IcdCodeOutput(selectors.icd10_search(hospital=request.user.hospital, q=q), many=True).data)


class PickListsApi(ApiView):
    permission_classes = [role_permission(can_read_pick_lists)]

    @api_doc(
        summary="What the doctor picks from: complaints, investigations, advice lines (the shipped defaults "
        "for a list the hospital has not edited)",
        response=PickListsOutput,
    )
    def get(self, request):
        return self.respond(PickListsOutput, selectors.pick_lists(hospital=request.user.hospital))


class PickListEntryListApi(ApiView):
    query_class = PickListQuery
    permission_classes = [role_permission(can_manage_pick_lists)]

    @api_doc(summary="The hospital's own list lines, active and retired", response=PickListEntryOutput(many=True))
    def get(self, request):
        kind = self.query().get("kind")
        return self.respond_page(
            PickListEntryOutput, selectors.pick_list_entries(hospital=request.user.hospital, kind=kind)
        )

    @api_doc(
        summary="Add a line to a list (the first addition to a list keeps its shipped defaults)",
        request=PickListEntryInput,
        response=PickListEntryOutput,
        status_code=201,
        errors=(400,),
    )
    def post(self, request):
        entry = services.add_pick_list_entry(by=request.user, **self.input(PickListEntryInput))
        return self.respond(PickListEntryOutput, entry, status.HTTP_201_CREATED)


class PickListEntryDetailApi(ApiView):
    permission_classes = [role_permission(can_manage_pick_lists)]

    @api_doc(
        summary="Retire a line or bring it back", request=StatusInput, response=PickListEntryOutput, errors=(400, 404)
    )
    def patch(self, request, pk):
        data = self.input(StatusInput)
        entry = selectors.pick_list_entry_get(hospital=request.user.hospital, entry_id=pk)
        return self.respond(
            PickListEntryOutput, services.set_pick_list_entry_status(by=request.user, entry=entry, **data)
        )


class IcdSynonymListApi(ApiView):
    permission_classes = [role_permission(can_manage_pick_lists)]

    @api_doc(summary="The hospital's own ICD-10 shorthand", response=IcdSynonymOutput(many=True))
    def get(self, request):
        return self.respond_page(IcdSynonymOutput, selectors.icd_synonyms(hospital=request.user.hospital))

    @api_doc(
        summary="Add shorthand for an ICD-10 code (searched before the shipped table)",
        request=IcdSynonymInput,
        response=IcdSynonymOutput,
        status_code=201,
        errors=(400,),
    )
    def post(self, request):
        synonym = services.add_icd_synonym(by=request.user, **self.input(IcdSynonymInput))
        return self.respond(IcdSynonymOutput, synonym, status.HTTP_201_CREATED)


class IcdSynonymDetailApi(ApiView):
    permission_classes = [role_permission(can_manage_pick_lists)]

    @api_doc(
        summary="Retire shorthand or bring it back", request=StatusInput, response=IcdSynonymOutput, errors=(400, 404)
    )
    def patch(self, request, pk):
        data = self.input(StatusInput)
        synonym = selectors.icd_synonym_get(hospital=request.user.hospital, synonym_id=pk)
        return self.respond(IcdSynonymOutput, services.set_icd_synonym_status(by=request.user, synonym=synonym, **data))
