"""API shapes of the doctor's queue and consultation."""

from rest_framework import serializers

from apps.consultations.models import ConsultationSession
from apps.consultations.serializers import SessionOutput
from apps.patients.selectors import active_allergies
from apps.patients.serializers import AllergyOutput, PatientOutput
from apps.prescriptions.serializers import PrescriptionOutput
from apps.visits.selectors import doctor_get
from apps.visits.serializers import DoctorOutput, VitalsOutput
from common.api import HospitalObjectField
from common.constants import QueuePriority
from common.strict_input import StrictInput


class QueueEntryOutput(SessionOutput):
    patient = PatientOutput(source="visit.patient", read_only=True)
    vitals = VitalsOutput(source="visit.vitals", read_only=True)

    class Meta(SessionOutput.Meta):
        fields = [*SessionOutput.Meta.fields, "patient", "vitals"]
        read_only_fields = fields


class SessionAllergiesOutput(serializers.ListSerializer):
    """The patient's active allergies and conditions (one query): what the consultation page's banner shows."""

    def get_attribute(self, session):
        return active_allergies(hospital=session.hospital_id, patient=session.visit.patient)


class ConsultationOutput(QueueEntryOutput):
    doctor = DoctorOutput(read_only=True)
    prescription = PrescriptionOutput(
        source="visit.prescription",
        read_only=True,
        allow_null=True,
        help_text="The visit's prescription; null until the doctor starts the visit's first session.",
    )

    allergies = SessionAllergiesOutput(
        child=AllergyOutput(), read_only=True, help_text="The patient's active allergies and chronic conditions."
    )

    class Meta(QueueEntryOutput.Meta):
        model = ConsultationSession
        fields = [*QueueEntryOutput.Meta.fields, "doctor", "prescription", "allergies"]
        read_only_fields = fields


class QueueStateOutput(serializers.Serializer):
    """What a queue action answers: the token it acted on and the doctor's queue after it."""

    session = QueueEntryOutput(read_only=True)
    queue = QueueEntryOutput(many=True, read_only=True, help_text="The doctor's open sessions in queue order.")


class PriorityInput(StrictInput):
    priority = serializers.ChoiceField(choices=QueuePriority.choices)


class MoveInput(StrictInput):
    doctor = HospitalObjectField(lookup=lambda hospital, pk: doctor_get(hospital=hospital, doctor_id=pk), noun="doctor")
