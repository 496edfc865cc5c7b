"""REST API v1: the hospital's formulary (SPEC §10). The admin edits it; doctors read and search it."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from apps.formulary import selectors, services
from apps.formulary.serializers import EntryFilter, EntryInput, EntryOutput, ImportInput, ImportOutput, SearchFilter
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import can_manage_formulary, can_read_formulary

FormularyPermission = role_permission(can_read_formulary, write=can_manage_formulary)


class FormularyListApi(ApiView):
    query_class = EntryFilter
    permission_classes = [FormularyPermission]

    @api_doc(
        summary="The hospital's medicines in name order (`q`: part of a generic or brand name)",
        parameters=[EntryFilter],
        response=EntryOutput(many=True),
    )
    def get(self, request):
        filters = self.query()
        entries = selectors.formulary_list(hospital=request.user.hospital, q=filters.get("q", ""))
        return self.respond_page(EntryOutput, entries)

    @api_doc(
        summary="Add a medicine (hospital admin)",
        request=EntryInput,
        response=EntryOutput,
        status_code=201,
        errors=(400,),
    )
    def post(self, request):
        entry = services.create_formulary_entry(by=request.user, **self.input(EntryInput))
        return self.respond(EntryOutput, entry, status.HTTP_201_CREATED)


class FormularyDetailApi(ApiView):
    permission_classes = [FormularyPermission]

    @api_doc(summary="One medicine of the formulary", response=EntryOutput, errors=(404,))
    def get(self, request, pk):
        return self.respond(EntryOutput, selectors.formulary_get(hospital=request.user.hospital, entry_id=pk))

    @api_doc(summary="Edit a medicine: brands, pack size, defaults, active (hospital admin)", request=EntryInput,
             response=EntryOutput, errors=(400, 404))  # fmt: skip
    def patch(self, request, pk):
        data = self.input(EntryInput, partial=True)
        entry = selectors.formulary_get(hospital=request.user.hospital, entry_id=pk)
        return self.respond(EntryOutput, services.update_formulary_entry(by=request.user, entry=entry, **data))


class FormularySearchApi(ApiView):
    query_class = SearchFilter
    permission_classes = [FormularyPermission]
    pagination_class = None

    @api_doc(
        summary="Autocomplete: the best 10 active medicines for a prefix or a misspelling",
        parameters=[SearchFilter],
        response=EntryOutput(many=True),
        errors=(400,),
    )
    def get(self, request):
        q = self.query()["q"]
        entries = selectors.formulary_search(hospital=request.user.hospital, q=q)
        return Response(EntryOutput(entries, many=True).data)


class FormularyImportApi(ApiView):
    permission_classes = [role_permission(can_manage_formulary)]

    @api_doc(
        summary="Import a CSV: a dry run reports every bad row; an import with any bad row imports nothing (400)",
        request=ImportInput,
        response=ImportOutput,
        errors=(400,),
    )
    def post(self, request):
        data = self.input(ImportInput)
        if data["dry_run"]:
            report = services.check_formulary_csv(hospital=request.user.hospital, text=data["csv"])
        else:
            report = services.import_formulary_csv(by=request.user, text=data["csv"])
        body = {
            "dry_run": data["dry_run"],
            "created": report.created,
            "updated": report.updated,
            "errors": report.errors,
        }
        return Response(ImportOutput(body).data)


class FormularyExportApi(ApiView):
    permission_classes = [role_permission(can_manage_formulary)]

    @api_doc(summary="The formulary as CSV (the import's columns)", response=OpenApiResponse(description="text/csv"))
    def get(self, request):
        entries = selectors.formulary_list(hospital=request.user.hospital)
        response = HttpResponse(services.export_formulary_csv(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="formulary.csv"'
        return response
