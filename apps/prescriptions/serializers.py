"""API shapes of prescriptions and their items."""

from rest_framework import serializers

from apps.consultations.selectors import session_get, session_to_change
from apps.formulary.selectors import formulary_get
from apps.prescriptions.models import Prescription, PrescriptionItem
from common import field_rules as rules
from common.api import HospitalObjectField, IdField
from common.dosing import DoseUnit, DurationUnit, FoodRelation
from common.strict_input import StrictInput, VisibleText


class ItemOutput(serializers.ModelSerializer):
    # Blank ("") on items written before structured dosing (their texts are the whole prescription).
    dose_unit = serializers.CharField(
        read_only=True, help_text="tablet, capsule, ml, drops, puff …; blank on old items"
    )
    food_relation = serializers.CharField(read_only=True, help_text="before, after, with, empty, any, or blank")
    duration_unit = serializers.CharField(read_only=True, help_text="days, weeks, months, continue; blank on old items")

    class Meta:
        model = PrescriptionItem
        fields = [
            "id",
            "medicine_name",
            "dosage",
            "frequency",
            "duration",
            "instructions",
            "dose_pattern",
            "dose_unit",
            "food_relation",
            "duration_value",
            "duration_unit",
            "quantity",
            "formulary_entry",
            "is_uncatalogued",
            "allergy_override_reason",
            "status",
            "session",
            "stopped_in_session",
            "stopped_at",
            "created_at",
        ]
        read_only_fields = fields


class PrescriptionOutput(serializers.ModelSerializer):
    items = ItemOutput(many=True, read_only=True, help_text="Active and stopped, in the order they were added.")

    class Meta:
        model = Prescription
        fields = ["id", "visit", "created_at", "items"]
        read_only_fields = fields


class SessionOfThisPrescription(HospitalObjectField):
    """A consultation session of the prescription's own visit (the view passes the prescription in context)."""

    def __init__(self, **kwargs):
        super().__init__(lookup=self._session, noun="session of this prescription's visit", **kwargs)

    def _session(self, hospital, pk):
        session = session_to_change(hospital=hospital, session_id=pk)
        if session.visit_id != self.context["prescription"].visit_id:
            raise serializers.ValidationError("This session is not part of this prescription's visit.")
        return session


class ItemInput(StrictInput):
    """Either the texts (dosage, frequency, duration) as before, or a structured dose: dose_pattern with
    dose_unit, food_relation, duration_value and duration_unit (frequency, duration and the quantity derived)."""

    session = SessionOfThisPrescription(help_text="The open session the item is added in.")
    formulary_entry = HospitalObjectField(
        lookup=lambda hospital, pk: formulary_get(hospital=hospital, entry_id=pk),
        noun="formulary entry",
        required=False,
        help_text="The catalogue entry picked: fills medicine_name, dosage (strength) and unit when not given",
    )
    # Each text parsed by its rule (common.field_rules), as the form and the service do; optional here,
    # since a catalogue entry or the structured dose below can supply them (the service's rule).
    medicine_name = rules.MEDICINE_NAME.serializer_field(required=False)
    dosage = rules.DOSAGE.serializer_field(required=False)
    frequency = rules.FREQUENCY.serializer_field(required=False)
    duration = rules.DURATION.serializer_field(required=False)
    instructions = rules.INSTRUCTIONS.serializer_field()
    dose_pattern = serializers.CharField(
        required=False, max_length=30, help_text="1-0-1, 1-1-1-1, ½-0-½, or a code: OD BD TDS QID HS SOS STAT WEEKLY"
    )
    dose_unit = serializers.ChoiceField(choices=DoseUnit.choices, required=False, help_text="Default: tablet")
    food_relation = serializers.ChoiceField(choices=FoodRelation.choices, required=False)
    duration_value = serializers.IntegerField(required=False, min_value=1, max_value=365)
    duration_unit = serializers.ChoiceField(choices=DurationUnit.choices, required=False)
    allergy_override_reason = VisibleText(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Why to prescribe it although it matches an active allergy of the patient (else a 409 "
        "`allergy_conflict` naming the allergies' ids). Kept only when an allergy was overridden.",
    )


class StopItemInput(StrictInput):
    session = SessionOfThisPrescription(help_text="The open session the item is stopped in.")


class StopByNameInput(StopItemInput):
    medicine_name = rules.MEDICINE_NAME.serializer_field()


class TemplateItemOutput(serializers.Serializer):
    medicine_name = serializers.CharField()
    dosage = serializers.CharField()
    frequency = serializers.CharField()
    duration = serializers.CharField()
    instructions = serializers.CharField()
    dose_pattern = serializers.CharField()
    formulary_entry = IdField(source="formulary_entry_id", allow_null=True, read_only=True)


class TemplateOutput(serializers.Serializer):
    id = IdField(read_only=True)
    name = serializers.CharField()
    items = TemplateItemOutput(many=True, source="items.all")
    created_at = serializers.DateTimeField()


class TemplateInput(StrictInput):
    session = HospitalObjectField(
        lookup=lambda hospital, pk: session_get(hospital=hospital, session_id=pk),
        noun="session",
        help_text="The session whose active medicines become the template",
    )
    name = serializers.CharField(max_length=100)


class TemplateUpdateInput(StrictInput):
    """Rename a template, replace its medicines by a session's active ones, or both."""

    name = VisibleText(max_length=100, required=False)
    session = HospitalObjectField(
        lookup=lambda hospital, pk: session_get(hospital=hospital, session_id=pk),
        noun="session",
        required=False,
        help_text="A session of yours whose active medicines replace the template's",
    )


class ApplyTemplateInput(StopItemInput):
    template = IdField(help_text="One of your own templates")


class RepeatInput(StopItemInput):
    pass


class SkippedOutput(serializers.Serializer):
    medicine_name = serializers.CharField()
    reason = serializers.CharField()


class CopyOutput(serializers.Serializer):
    added = ItemOutput(many=True)
    skipped = SkippedOutput(many=True, help_text="Medicines not copied, each with the reason")
