"""API shape of a consultation session."""

from rest_framework import serializers

from apps.consultations.models import ConsultationSession


class SessionOutput(serializers.ModelSerializer):
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
        ]
        read_only_fields = fields
