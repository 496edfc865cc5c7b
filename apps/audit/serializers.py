"""API shape of audit events (read only: the log is append-only)."""

from rest_framework import serializers

from apps.audit.models import AuditEvent


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


class AuditFilter(serializers.Serializer):
    action = serializers.CharField(required=False, max_length=64, help_text="e.g. visit.create")
    actor = serializers.CharField(required=False, max_length=150, help_text="Username at the time of the event.")
    since = serializers.DateTimeField(
        required=False, input_formats=["iso-8601", "%Y-%m-%d"], help_text="From this time (or day) on."
    )
    until = serializers.DateTimeField(
        required=False,
        input_formats=["iso-8601", "%Y-%m-%d"],
        help_text="Before this time (a day alone means its start).",
    )
