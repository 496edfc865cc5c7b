"""API shapes of the display keys."""

from rest_framework import serializers

from apps.visits.selectors import doctor_get
from apps.waitingroom.models import DisplayKey
from common.api import HospitalObjectField, IdField
from common.strict_input import StrictInput


class DisplayOutput(serializers.ModelSerializer):
    doctor = IdField(source="doctor_id", read_only=True, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = DisplayKey
        fields = ["id", "name", "doctor", "key_prefix", "created_at", "created_by", "is_active", "revoked_at"]
        read_only_fields = fields


class DisplayCreatedOutput(DisplayOutput):
    key = serializers.CharField(read_only=True, help_text="The raw key: shown this once, never again.")
    url = serializers.CharField(read_only=True, help_text="The display's address: open it on the TV.")

    class Meta(DisplayOutput.Meta):
        fields = [*DisplayOutput.Meta.fields, "key", "url"]
        read_only_fields = fields


class DisplayInput(StrictInput):
    name = serializers.CharField(max_length=80, help_text="Which screen it is, e.g. “Waiting hall TV”.")
    doctor = HospitalObjectField(
        lookup=lambda hospital, pk: doctor_get(hospital=hospital, doctor_id=pk),
        noun="doctor",
        required=False,
        allow_null=True,
        help_text="Only this doctor's tokens (a room's screen); omit for every doctor.",
    )
