"""API shapes of the doctor's queue and consultation."""

from apps.consultations.models import ConsultationSession
from apps.consultations.serializers import SessionOutput
from apps.patients.serializers import PatientOutput
from apps.prescriptions.serializers import PrescriptionOutput
from apps.visits.serializers import DoctorOutput, VitalsOutput


class QueueEntryOutput(SessionOutput):
    patient = PatientOutput(source="visit.patient", read_only=True)
    vitals = VitalsOutput(source="visit.vitals", read_only=True)

    class Meta(SessionOutput.Meta):
        fields = [*SessionOutput.Meta.fields, "patient", "vitals"]
        read_only_fields = fields


class ConsultationOutput(QueueEntryOutput):
    doctor = DoctorOutput(read_only=True)
    prescription = PrescriptionOutput(
        source="visit.prescription",
        read_only=True,
        allow_null=True,
        help_text="The visit's prescription; null until the doctor starts the visit's first session.",
    )

    class Meta(QueueEntryOutput.Meta):
        model = ConsultationSession
        fields = [*QueueEntryOutput.Meta.fields, "doctor", "prescription"]
        read_only_fields = fields
