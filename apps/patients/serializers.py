"""API shapes of a patient. The MRN, hospital and timestamps are output only."""

from rest_framework import serializers

from apps.patients.models import Patient
from common.constants import Gender, Language


class PatientOutput(serializers.ModelSerializer):
    mrn = serializers.CharField(read_only=True, help_text="Per-hospital record number, e.g. P-000123.")

    class Meta:
        model = Patient
        fields = [
            "id",
            "mrn",
            "full_name",
            "age",
            "gender",
            "phone_number",
            "address",
            "preferred_language",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PatientInput(serializers.Serializer):
    """Register, or with partial=True edit. Ranges and the phone format are the service's rules."""

    full_name = serializers.CharField(max_length=120)
    age = serializers.IntegerField(min_value=0, max_value=32767)
    gender = serializers.ChoiceField(choices=Gender.choices)
    phone_number = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="10-digit Indian mobile, optionally +91."
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    preferred_language = serializers.ChoiceField(
        choices=Language.choices, required=False, help_text="en, hi, mr: the language of the medicines' timing"
    )


class PatientFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name fragment, MRN (P-000123 or 123) or phone."
    )
