"""API shapes of prescriptions and their items."""

from rest_framework import serializers

from apps.consultations.selectors import session_to_change
from apps.prescriptions.models import Prescription, PrescriptionItem
from common import field_rules as rules
from common.api import HospitalObjectField
from common.strict_input import VisibleText


class ItemOutput(serializers.ModelSerializer):
    class Meta:
        model = PrescriptionItem
        fields = [
            "id",
            "medicine_name",
            "dosage",
            "frequency",
            "duration",
            "instructions",
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


class ItemInput(serializers.Serializer):
    session = SessionOfThisPrescription(help_text="The open session the item is added in.")
    # Each field parsed by its rule (common.field_rules), as the form and the service do.
    medicine_name = rules.MEDICINE_NAME.serializer_field()
    dosage = rules.DOSAGE.serializer_field()
    frequency = rules.FREQUENCY.serializer_field()
    duration = rules.DURATION.serializer_field()
    instructions = rules.INSTRUCTIONS.serializer_field()
    allergy_override_reason = VisibleText(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Why to prescribe it although it matches an active allergy of the patient (else a 409 "
        "`allergy_conflict` naming the allergies' ids). Kept only when an allergy was overridden.",
    )


class StopItemInput(serializers.Serializer):
    session = SessionOfThisPrescription(help_text="The open session the item is stopped in.")


class StopByNameInput(StopItemInput):
    medicine_name = rules.MEDICINE_NAME.serializer_field()
