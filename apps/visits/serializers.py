"""API shapes of visits, vitals and consultation sessions."""

from rest_framework import serializers

from apps.accounts.models import User
from apps.consultations.serializers import SessionOutput
from apps.patients.selectors import patient_get
from apps.patients.serializers import PatientOutput
from apps.visits.models import PatientVitals, Visit
from apps.visits.selectors import doctor_get
from common import field_rules as rules
from common.api import HospitalObjectField, IdField


class DoctorOutput(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]
        read_only_fields = fields


class VitalsOutput(serializers.ModelSerializer):
    blood_pressure = serializers.CharField(read_only=True, help_text='"SYS/DIA", empty when not taken.')
    bmi = serializers.DecimalField(
        max_digits=5, decimal_places=1, read_only=True, allow_null=True, help_text="When height and weight are given."
    )

    class Meta:
        model = PatientVitals
        fields = ["height_cm", "weight_kg", "blood_pressure", "pulse_rate", "temperature_c", "bmi"]
        read_only_fields = fields


class VisitOutput(serializers.ModelSerializer):
    patient = PatientOutput(read_only=True)
    doctor = DoctorOutput(read_only=True)
    vitals = VitalsOutput(read_only=True)
    sessions = SessionOutput(many=True, read_only=True)
    validity_end_date = serializers.DateField(read_only=True)
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "patient",
            "doctor",
            "validity_days",
            "visit_date",
            "validity_end_date",
            "is_expired",
            "is_active",
            "created_at",
            "closed_at",
            "vitals",
            "sessions",
        ]
        read_only_fields = fields


class VitalsInput(serializers.Serializer):
    """Every field optional, each parsed by its rule (common.field_rules), as the form and the service do."""

    height_cm = rules.HEIGHT_CM.serializer_field()
    weight_kg = rules.WEIGHT_KG.serializer_field()
    blood_pressure = rules.BLOOD_PRESSURE.serializer_field()
    pulse_rate = rules.PULSE.serializer_field()
    temperature_c = rules.TEMPERATURE_C.serializer_field()


class VisitInput(serializers.Serializer):
    patient = HospitalObjectField(
        lookup=lambda hospital, pk: patient_get(hospital=hospital, patient_id=pk), noun="patient"
    )
    doctor = HospitalObjectField(lookup=lambda hospital, pk: doctor_get(hospital=hospital, doctor_id=pk), noun="doctor")
    validity_days = rules.VISIT_VALIDITY_DAYS.serializer_field(
        required=False, help_text="Defaults to the hospital's (1–365 days)."
    )
    vitals = VitalsInput(required=False)


class VisitFilter(serializers.Serializer):
    patient = IdField(required=False, help_text="Only this patient's visits.")
    date = serializers.DateField(required=False, help_text="Only visits created on this day (hospital's day).")
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
