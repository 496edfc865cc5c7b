"""API shapes of a hospital: what a client sends and what it gets back are separate serializers."""

from rest_framework import serializers

from apps.hospitals.models import Hospital
from common import field_rules as rules
from common.strict_input import VisibleText

# Storage bounds only; the rule (0 = none allowed) is the service's.
_SMALL = {"min_value": 0, "max_value": 32767}


class HospitalOutput(serializers.ModelSerializer):
    class Meta:
        model = Hospital
        fields = [
            "id",
            "name",
            "is_active",
            "max_doctors",
            "max_receptionists",
            "max_medical_staff",
            "default_visit_validity_days",
            "address",
            "phone",
            "time_zone",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class HospitalInput(serializers.Serializer):
    """Create (every limit required) or, with partial=True, update. Ranges and uniqueness are the service's."""

    # Text only (VisibleText): DRF's CharField would store a number 2.0 as "2.0" (schemathesis found it).
    name = VisibleText(max_length=200)
    max_doctors = serializers.IntegerField(**_SMALL)
    max_receptionists = serializers.IntegerField(**_SMALL)
    max_medical_staff = serializers.IntegerField(**_SMALL)
    default_visit_validity_days = rules.VISIT_VALIDITY_DAYS.serializer_field(required=False, allow_null=False)
    address = VisibleText(required=False, allow_blank=True, max_length=500)
    phone = VisibleText(required=False, allow_blank=True, max_length=20)
    time_zone = VisibleText(required=False, max_length=64)


class HospitalUpdateInput(HospitalInput):
    is_active = serializers.BooleanField(required=False)
