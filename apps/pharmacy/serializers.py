"""API shapes of the pharmacy's dispense records."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.patients.serializers import PatientOutput
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.selectors import STATUSES, record_items
from apps.prescriptions.serializers import ItemOutput, PrescriptionOutput
from apps.visits.serializers import DoctorOutput, VitalsOutput


class DispenseRecordOutput(serializers.ModelSerializer):
    session_number = serializers.IntegerField(source="session.session_number", read_only=True)
    patient = PatientOutput(source="prescription.visit.patient", read_only=True)
    doctor = DoctorOutput(source="prescription.visit.doctor", read_only=True)
    vitals = VitalsOutput(source="prescription.visit.vitals", read_only=True)
    prescription = PrescriptionOutput(read_only=True)
    items = serializers.SerializerMethodField(help_text="What to hand over: the items active when the session ended.")
    dispensed_by = serializers.CharField(source="dispensed_by.username", read_only=True, allow_null=True, default=None)

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
        ]
        read_only_fields = fields

    @extend_schema_field(ItemOutput(many=True))
    def get_items(self, record):
        return ItemOutput(record_items(record), many=True).data


class DispenseRecordFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=STATUSES,
        required=False,
        help_text="pending = waiting to be printed or dispensed; printed; dispensed. All when absent.",
    )
