"""API shapes of the formulary."""

from rest_framework import serializers

from apps.formulary.models import FormularyEntry, MedicineForm
from apps.formulary.services import MAX_IMPORT_ROWS
from common.dosing import DoseUnit, DurationUnit, FoodRelation
from common.strict_input import StrictInput


class EntryOutput(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text='"Paracetamol 500 mg tablet"')
    brands = serializers.ListField(child=serializers.CharField(), read_only=True)
    dose_unit = serializers.CharField(read_only=True, help_text="The unit a dose is counted in (from the form)")
    default_dose_unit = serializers.CharField(read_only=True)
    default_food_relation = serializers.CharField(read_only=True)
    default_duration_unit = serializers.CharField(read_only=True)

    class Meta:
        model = FormularyEntry
        fields = [
            "id",
            "label",
            "generic_name",
            "brand_names",
            "brands",
            "strength",
            "form",
            "route",
            "pack_size",
            "dose_unit",
            "default_dose_pattern",
            "default_dose_unit",
            "default_food_relation",
            "default_duration_value",
            "default_duration_unit",
            "source",
            "is_active",
            "updated_at",
        ]
        read_only_fields = fields


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, **kwargs)


class EntryInput(StrictInput):
    generic_name = serializers.CharField(max_length=200)
    brand_names = _text(500, help_text="Comma-separated")
    strength = _text(100)
    form = serializers.ChoiceField(choices=MedicineForm.choices)
    route = _text(30)
    pack_size = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
    default_dose_pattern = _text(30, help_text="1-0-1, BD …")
    default_dose_unit = serializers.ChoiceField(choices=DoseUnit.choices, required=False, allow_blank=True)
    default_food_relation = serializers.ChoiceField(choices=FoodRelation.choices, required=False, allow_blank=True)
    default_duration_value = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365)
    default_duration_unit = serializers.ChoiceField(choices=DurationUnit.choices, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class EntryFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Part of a generic or brand name")


class SearchFilter(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="Prefix or misspelling of a generic or brand name")


class ImportInput(StrictInput):
    csv = serializers.CharField(
        max_length=2_000_000, trim_whitespace=False, help_text=f"The export's columns, at most {MAX_IMPORT_ROWS} rows"
    )
    dry_run = serializers.BooleanField(default=True, help_text="Only report (the default); false imports")


class ImportOutput(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField(), help_text="{row, errors: {field: [messages]}}")
