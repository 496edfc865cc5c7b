"""API shapes of visits, vitals and consultation sessions."""

from rest_framework import serializers

from apps.accounts.models import User
from apps.consultations.serializers import SessionOutput
from apps.patients.selectors import patient_get
from apps.patients.serializers import PatientOutput
from apps.visits.models import PatientVitals, Visit
from apps.visits.selectors import doctor_get
from apps.visits.services import build_vitals
from common.api import HospitalObjectField
from common.exceptions import Invalid


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
    """Every field optional; types here, ranges (SPEC §2) in the service."""

    height_cm = serializers.FloatField(required=False, allow_null=True, help_text="30–250")
    weight_kg = serializers.FloatField(required=False, allow_null=True, help_text="0.5–350")
    blood_pressure = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20, help_text='"SYS/DIA", e.g. "120/80"'
    )
    pulse_rate = serializers.IntegerField(required=False, allow_null=True, help_text="20–250 per minute")
    temperature_c = serializers.FloatField(required=False, allow_null=True, help_text="30.0–45.0 °C")


class VisitInput(serializers.Serializer):
    patient = HospitalObjectField(
        lookup=lambda hospital, pk: patient_get(hospital=hospital, patient_id=pk), noun="patient"
    )
    doctor = HospitalObjectField(lookup=lambda hospital, pk: doctor_get(hospital=hospital, doctor_id=pk), noun="doctor")
    validity_days = serializers.IntegerField(
        required=False, min_value=0, max_value=32767, help_text="Defaults to the hospital's (1–365)."
    )
    vitals = VitalsInput(required=False)

    def validate_vitals(self, value):
        # The service checks again when it saves; here its messages land under "vitals".
        try:
            build_vitals(value)
        except Invalid as error:
            raise serializers.ValidationError(error.errors) from None
        return value


class VisitFilter(serializers.Serializer):
    patient = serializers.IntegerField(required=False, min_value=1, help_text="Only this patient's visits.")
    date = serializers.DateField(required=False, help_text="Only visits created on this day (hospital's day).")
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
