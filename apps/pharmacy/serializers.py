"""API shapes of the pharmacy's dispense records."""

from rest_framework import serializers

from apps.patients.serializers import AllergyOutput, PatientOutput
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.selectors import STATUSES, record_allergies, record_items
from apps.prescriptions.serializers import ItemOutput, PrescriptionOutput
from apps.visits.serializers import DoctorOutput, VitalsOutput


class CoveredItemsOutput(serializers.ListSerializer):
    """A record's items to hand over: those active when its session ended (from the prefetched items).

    One list serializer for the whole page: a serializer built per record would rebuild its fields each time.
    """

    def get_attribute(self, record):
        return record_items(record)


class RecordAllergiesOutput(serializers.ListSerializer):
    """The patient's active allergies and conditions, from the page's one prefetch (what the banner shows)."""

    def get_attribute(self, record):
        return record_allergies(record)


class DispenseRecordOutput(serializers.ModelSerializer):
    session_number = serializers.IntegerField(source="session.session_number", read_only=True)
    patient = PatientOutput(source="prescription.visit.patient", read_only=True)
    # The session's doctor wrote and signs this prescription; the visit's may since be another (a move).
    doctor = DoctorOutput(source="session.doctor", read_only=True)
    vitals = VitalsOutput(source="prescription.visit.vitals", read_only=True)
    prescription = PrescriptionOutput(read_only=True)
    items = CoveredItemsOutput(
        child=ItemOutput(), read_only=True, help_text="What to hand over: the items active when the session ended."
    )
    dispensed_by = serializers.CharField(source="dispensed_by.username", read_only=True, allow_null=True, default=None)
    allergies = RecordAllergiesOutput(
        child=AllergyOutput(),
        read_only=True,
        help_text="The patient's active allergies and chronic conditions; an item with an "
        "`allergy_override_reason` was prescribed over one of them.",
    )

    class Meta:
        model = DispenseRecord
        fields = [
            "id",
            "session",
            "session_number",
            "is_printed",
            "printed_at",
            "print_count",
            "is_dispensed",
            "dispensed_at",
            "dispensed_by",
            "created_at",
            "patient",
            "doctor",
            "vitals",
            "prescription",
            "items",
            "allergies",
        ]
        read_only_fields = fields


class DispenseRecordFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=STATUSES,
        required=False,
        help_text="pending = waiting to be printed or dispensed; printed; dispensed. All when absent.",
    )
