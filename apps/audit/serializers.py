"""API shape of audit events (read only: the log is append-only)."""

from django.utils import timezone
from rest_framework import serializers

from apps.audit.models import AuditEvent
from apps.audit.selectors import utc_bound


class AuditEventOutput(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_username",
            "actor_role",
            "hospital",
            "action",
            "object_type",
            "object_id",
            "summary",
            "changes",
            "ip_address",
        ]
        read_only_fields = fields


class FilterBound(serializers.DateTimeField):
    """A time (or a day: its start, in the installation's time zone) to filter by, in UTC.

    DRF's own conversion fails (with a 500 for a day alone) on the first and last days the
    calendar holds, 0001-01-01 and 9999-12-31, where a time zone reaches past what UTC can
    hold; `utc_bound` makes them the open ends they mean.
    """

    def __init__(self, **kwargs):
        super().__init__(required=False, input_formats=["iso-8601", "%Y-%m-%d"], **kwargs)

    def enforce_timezone(self, value):
        return utc_bound(value if timezone.is_aware(value) else timezone.make_aware(value, self.default_timezone()))


class AuditFilter(serializers.Serializer):
    action = serializers.CharField(required=False, max_length=64, help_text="e.g. visit.create")
    actor = serializers.CharField(required=False, max_length=150, help_text="Username at the time of the event.")
    since = FilterBound(help_text="From this time (or day) on.")
    until = FilterBound(help_text="Before this time (a day alone means its start).")
