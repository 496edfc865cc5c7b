from django.db.models import QuerySet

from apps.audit.models import AuditEvent
from common.permissions import can_read_all_audit


def audit_event_list(*, by, action=None, actor=None, since=None, until=None) -> QuerySet[AuditEvent]:
    """Audit events newest first: every hospital's for a super admin, the admin's own hospital's otherwise."""
    events = AuditEvent.objects.order_by("-created_at", "-id")
    if not can_read_all_audit(by):
        events = events.filter(hospital_id=by.hospital_id)
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_username__iexact=actor)
    if since:
        events = events.filter(created_at__gte=since)
    if until:
        events = events.filter(created_at__lt=until)
    return events
