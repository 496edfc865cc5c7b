"""API shapes of a patient. The MRN, hospital and timestamps are output only."""

from rest_framework import serializers

from apps.patients.models import Patient
from common import field_rules as rules
from common.constants import Gender


class PatientOutput(serializers.ModelSerializer):
    mrn = serializers.CharField(read_only=True, help_text="Per-hospital record number, e.g. P-000123.")

    class Meta:
        model = Patient
        fields = ["id", "mrn", "full_name", "age", "gender", "phone_number", "address", "created_at", "updated_at"]
        read_only_fields = fields


class PatientInput(serializers.Serializer):
    """Register, or with partial=True edit. Each field parsed by its rule (common.field_rules)."""

    full_name = rules.FULL_NAME.serializer_field()
    age = rules.AGE.serializer_field()
    gender = serializers.ChoiceField(choices=Gender.choices)
    phone_number = rules.PHONE.serializer_field()
    address = rules.ADDRESS.serializer_field()


class PatientFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name fragment, MRN (P-000123 or 123) or phone."
    )
