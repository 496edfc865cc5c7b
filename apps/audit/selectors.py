from django.db.models import QuerySet

from apps.audit.models import AuditEvent
from common.permissions import can_read_all_audit


def audit_event_list(
    *, by, action=None, actor=None, since=None, until=None, object_type=None, object_id=None
) -> QuerySet[AuditEvent]:
    """Audit events newest first: every hospital's for a super admin, the admin's own hospital's otherwise.

    `action` ending in "." matches every action that starts with it ("auth." → logins and lockouts).
    """
    events = AuditEvent.objects.select_related("hospital").order_by("-created_at", "-id")
    if not can_read_all_audit(by):
        events = events.filter(hospital_id=by.hospital_id)
    if action:
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    if actor:
        events = events.filter(actor_username__iexact=actor)
    if since:
        events = events.filter(created_at__gte=since)
    if until:
        events = events.filter(created_at__lt=until)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events
