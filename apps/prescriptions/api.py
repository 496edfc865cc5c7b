"""REST API v1: prescriptions and their items (SPEC §4)."""

from rest_framework import status
from rest_framework.response import Response

from apps.prescriptions import selectors, services
from apps.prescriptions.serializers import (
    ApplyTemplateInput,
    CopyOutput,
    ItemInput,
    ItemOutput,
    PrescriptionOutput,
    RepeatInput,
    StopByNameInput,
    StopItemInput,
    TemplateInput,
    TemplateOutput,
    TemplateUpdateInput,
)
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import can_change_prescription, can_read_prescription

ITEM_ERRORS = (400, 404, 409)


class PrescriptionApi(ApiView):
    permission_classes = [role_permission(can_read_prescription)]

    @api_doc(
        summary="A prescription with its active and stopped items (the visit's doctor, the pharmacy)",
        response=PrescriptionOutput,
        errors=(404,),
    )
    def get(self, request, pk):
        prescription = selectors.prescription_get(hospital=request.user.hospital, prescription_id=pk)
        return self.respond(
            PrescriptionOutput, services.record_prescription_view(by=request.user, prescription=prescription)
        )


class PrescriptionItemMixin:
    """Item writes: only a doctor, and the service holds them to their own open session."""

    permission_classes = [role_permission(can_change_prescription)]

    def prescription(self):
        return selectors.prescription_to_change(hospital=self.request.user.hospital, prescription_id=self.kwargs["pk"])


class AddItemApi(PrescriptionItemMixin, ApiView):
    @api_doc(
        summary="Add a medicine in the open session (a medicine already active is a 409)",
        request=ItemInput,
        response=ItemOutput,
        status_code=201,
        errors=ITEM_ERRORS,
    )
    def post(self, request, pk):
        data = self.input(ItemInput, prescription=self.prescription())
        item = services.add_prescription_item(by=request.user, **data)
        return self.respond(ItemOutput, item, status.HTTP_201_CREATED)


class StopItemApi(PrescriptionItemMixin, ApiView):
    @api_doc(summary="Stop an active item", request=StopItemInput, response=ItemOutput, errors=ITEM_ERRORS)
    def post(self, request, pk, item_id):
        data = self.input(StopItemInput, prescription=self.prescription())
        item = selectors.item_get(hospital=request.user.hospital, item_id=item_id)
        return self.respond(ItemOutput, services.stop_prescription_item(by=request.user, item=item, **data))


class StopItemByNameApi(PrescriptionItemMixin, ApiView):
    @api_doc(
        summary="Stop the active item with this medicine name (case-insensitive)",
        operation_id="prescriptions_items_stop_by_name",
        request=StopByNameInput,
        response=ItemOutput,
        errors=ITEM_ERRORS,
    )
    def post(self, request, pk):
        data = self.input(StopByNameInput, prescription=self.prescription())
        return self.respond(ItemOutput, services.stop_prescription_item(by=request.user, **data))


def _copied(result) -> dict:
    return {
        "added": result.added,
        "skipped": [{"medicine_name": name, "reason": reason} for name, reason in result.skipped],
    }


class TemplateListApi(ApiView):
    permission_classes = [role_permission(can_change_prescription)]

    @api_doc(summary="Your own prescription templates with their medicines", response=TemplateOutput(many=True))
    def get(self, request):
        templates = selectors.templates_for_doctor(hospital=request.user.hospital, doctor=request.user)
        return self.respond_page(TemplateOutput, templates)

    @api_doc(
        summary="Save a session's active medicines as a named template",
        request=TemplateInput,
        response=TemplateOutput,
        status_code=201,
        errors=(400, 404),
    )
    def post(self, request):
        template = services.create_template(by=request.user, **self.input(TemplateInput))
        return self.respond(TemplateOutput, template, status.HTTP_201_CREATED)


class ApplyTemplateApi(PrescriptionItemMixin, ApiView):
    @api_doc(
        summary="Apply one of your templates in the open session: each medicine checked like a typed one",
        request=ApplyTemplateInput,
        response=CopyOutput,
        errors=ITEM_ERRORS,
    )
    def post(self, request, pk):
        data = self.input(ApplyTemplateInput, prescription=self.prescription())
        template = selectors.template_get(hospital=request.user.hospital, template_id=data["template"])
        result = services.apply_template(by=request.user, session=data["session"], template=template)
        return self.respond(CopyOutput, _copied(result))


class RepeatApi(PrescriptionItemMixin, ApiView):
    @api_doc(
        summary="Repeat the active medicines of the patient's previous visit (the refused listed with why)",
        request=RepeatInput,
        response=CopyOutput,
        errors=ITEM_ERRORS,
    )
    def post(self, request, pk):
        data = self.input(RepeatInput, prescription=self.prescription())
        return self.respond(CopyOutput, _copied(services.repeat_last_visit(by=request.user, session=data["session"])))


class TemplateDetailApi(ApiView):
    permission_classes = [role_permission(can_change_prescription)]

    def template(self):
        return selectors.template_get(hospital=self.request.user.hospital, template_id=self.kwargs["pk"])

    @api_doc(
        summary="Rename one of your templates and/or replace its medicines by a session's active ones",
        request=TemplateUpdateInput,
        response=TemplateOutput,
        errors=(400, 404),
    )
    def patch(self, request, pk):
        template = services.update_template(
            by=request.user, template=self.template(), **self.input(TemplateUpdateInput)
        )
        return self.respond(
            TemplateOutput, selectors.template_get(hospital=request.user.hospital, template_id=template.pk)
        )

    @api_doc(summary="Delete one of your templates", response=None, status_code=204, errors=(404,))
    def delete(self, request, pk):
        services.delete_template(by=request.user, template=self.template())
        return Response(status=status.HTTP_204_NO_CONTENT)
