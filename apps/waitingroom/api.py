"""REST API v1: the hospital admin's waiting-room display keys (SPEC §4)."""

from django.urls import reverse
from rest_framework import status

from apps.waitingroom import selectors, services
from apps.waitingroom.serializers import DisplayCreatedOutput, DisplayInput, DisplayOutput
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.permissions import can_manage_displays


class DisplayListApi(ApiView):
    permission_classes = [role_permission(can_manage_displays)]

    @api_doc(
        summary="The hospital's display keys, newest first (never the keys themselves)",
        response=DisplayOutput(many=True),
    )
    def get(self, request):
        return self.respond_page(DisplayOutput, selectors.display_list(hospital=request.user.hospital))

    @api_doc(
        summary="Create a display key; the answer carries the raw key and the display's URL, this once only",
        request=DisplayInput,
        response=DisplayCreatedOutput,
        status_code=201,
        errors=(400,),
    )
    def post(self, request):
        display, raw = services.create_display_key(by=request.user, **self.input(DisplayInput))
        display.key = raw
        display.url = request.build_absolute_uri(reverse("display:board", args=[raw]))
        return self.respond(DisplayCreatedOutput, display, status.HTTP_201_CREATED)


class DisplayRevokeApi(ApiView):
    permission_classes = [role_permission(can_manage_displays)]

    @api_doc(
        summary="Revoke a display key: the screen stops at its next poll",
        request=None,
        response=DisplayOutput,
        errors=(404, 409),
    )
    def post(self, request, pk):
        display = selectors.display_get(hospital=request.user.hospital, display_id=pk)
        return self.respond(DisplayOutput, services.revoke_display_key(by=request.user, display=display))
