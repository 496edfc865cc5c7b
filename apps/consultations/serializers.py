"""API shape of a consultation session."""

from rest_framework import serializers

from apps.consultations.models import ConsultationSession


class SessionOutput(serializers.ModelSerializer):
    queue_state = serializers.ChoiceField(
        choices=["waiting", "called", "in_consultation", "no_show", "completed"],
        read_only=True,
        help_text="Where the token is in the waiting room (SPEC §11).",
    )

    class Meta:
        model = ConsultationSession
        fields = [
            "id",
            "visit",
            "session_number",
            "token_number",
            "token_date",
            "status",
            "created_at",
            "started_at",
            "completed_at",
            "queue_state",
            "priority",
            "queued_at",
            "called_at",
            "recall_count",
            "skip_count",
            "no_show_at",
        ]
        read_only_fields = fields
