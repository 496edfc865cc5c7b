"""API shapes of the doctor's queue and consultation."""

from apps.patients.serializers import PatientOutput
from apps.prescriptions.serializers import PrescriptionOutput
from apps.visits.models import ConsultationSession
from apps.visits.serializers import DoctorOutput, SessionOutput, VitalsOutput


class QueueEntryOutput(SessionOutput):
    patient = PatientOutput(source="visit.patient", read_only=True)
    vitals = VitalsOutput(source="visit.vitals", read_only=True)

    class Meta(SessionOutput.Meta):
        fields = [*SessionOutput.Meta.fields, "patient", "vitals"]
        read_only_fields = fields


class ConsultationOutput(QueueEntryOutput):
    doctor = DoctorOutput(read_only=True)
    prescription = PrescriptionOutput(source="visit.prescription", read_only=True)

    class Meta(QueueEntryOutput.Meta):
        model = ConsultationSession
        fields = [*QueueEntryOutput.Meta.fields, "doctor", "prescription"]
        read_only_fields = fields
