"""API shapes of a patient. The MRN, hospital and timestamps are output only."""

from rest_framework import serializers

from apps.patients.models import AllergyCategory, AllergyKind, AllergySeverity, Patient, PatientAllergy
from common import field_rules as rules
from common.constants import Gender, Language
from common.strict_input import StrictInput, VisibleText


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
    """Register, or with partial=True edit. Each field parsed by its rule (common.field_rules)."""

    full_name = rules.FULL_NAME.serializer_field()
    age = rules.AGE.serializer_field()
    gender = serializers.ChoiceField(choices=Gender.choices)
    phone_number = rules.PHONE.serializer_field()
    address = rules.ADDRESS.serializer_field()
    preferred_language = serializers.ChoiceField(
        choices=Language.choices, required=False, help_text="en, hi, mr: the language of the medicines' timing"
    )


class PatientFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name fragment, MRN (P-000123 or 123) or phone."
    )


class AllergyOutput(serializers.ModelSerializer):
    # Empty for a chronic condition: the schema says so (an enum value or "").
    kind = serializers.ChoiceField(choices=AllergyKind.choices, allow_blank=True, read_only=True)
    severity = serializers.ChoiceField(choices=AllergySeverity.choices, allow_blank=True, read_only=True)

    class Meta:
        model = PatientAllergy
        fields = [
            "id",
            "patient",
            "category",
            "substance",
            "kind",
            "severity",
            "reaction",
            "icd_code",
            "is_active",
            "created_at",
            "created_by",
            "retired_at",
            "retired_by",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "category": {"help_text": "`allergy`, or `condition` for a known chronic condition."},
            "substance": {"help_text": "The allergen (Penicillin), or the condition's text (Type 2 diabetes)."},
        }


class AllergyInput(StrictInput):
    """An allergy (substance, kind, severity, reaction?) or a chronic condition (substance = its text, icd_code?).

    Which fields each category takes is the service's rule (a 400 naming the field)."""

    category = serializers.ChoiceField(choices=AllergyCategory.choices, required=False)
    substance = VisibleText(max_length=120, help_text="The allergen, or the chronic condition.")
    kind = serializers.ChoiceField(choices=AllergyKind.choices, required=False, help_text="Allergies only.")
    severity = serializers.ChoiceField(choices=AllergySeverity.choices, required=False, help_text="Allergies only.")
    reaction = VisibleText(required=False, allow_blank=True, max_length=200, help_text="Allergies only, e.g. rash.")
    icd_code = VisibleText(
        required=False, allow_blank=True, max_length=10, help_text="Conditions only: an ICD-10 code as text, e.g. E11."
    )


class AllergyUpdateInput(StrictInput):
    is_active = serializers.BooleanField(help_text="`false` retires the entry (kept in the history, never deleted).")
