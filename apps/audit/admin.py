from django.contrib import admin

from apps.audit.models import AuditChainHead, AuditEvent
from common.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "action",
        "actor_username",
        "actor_role",
        "hospital",
        "object_type",
        "object_id",
        "seq",
    ]
    list_filter = ["action", "actor_role", "hospital"]
    list_select_related = ["hospital"]
    search_fields = ["actor_username", "action", "object_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    """Each chain's last place (the chain is the hospital's id; 0 for events without a hospital)."""

    list_display = ["chain", "seq"]
