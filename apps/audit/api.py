"""REST API v1: the audit log (super admin: all; hospital admin: own hospital)."""

from apps.audit.selectors import audit_event_list
from apps.audit.serializers import AuditEventOutput, AuditFilter
from common.api import ApiView, api_doc
from common.api_permissions import role_permission
from common.pagination import KeysetPagination
from common.permissions import can_read_audit


class AuditEventListApi(ApiView):
    query_class = AuditFilter
    permission_classes = [role_permission(can_read_audit)]
    pagination_class = KeysetPagination

    @api_doc(
        summary="Audit events, newest first",
        parameters=[AuditFilter],
        response=AuditEventOutput(many=True),
        errors=(400,),
    )
    def get(self, request):
        return self.respond_page(AuditEventOutput, audit_event_list(by=request.user, **self.query()))
