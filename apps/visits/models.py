from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models

from common import field_rules as rules
from common.models import HospitalScopedModel

if TYPE_CHECKING:
    from apps.consultations.models import ConsultationSession

# Vitals ranges and the visit's validity (SPEC §2) are common.field_rules' rules: the validators and
# check constraints here, the forms, the serializers and the services all take them from there.


class Visit(HospitalScopedModel):
    """A patient's visit to one doctor, valid for `validity_days`, made of consultation sessions."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="visits")
    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="visits_as_doctor")
    validity_days = models.PositiveSmallIntegerField(validators=rules.VISIT_VALIDITY_DAYS.validators())
    # The hospital's calendar day of creation; validity counts from it.
    visit_date = models.DateField(editable=False)
    is_active = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    # Not stored: set by create_visit_with_vitals to the session it opened, so callers need not read it back.
    opened_session: "ConsultationSession | None" = None

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=rules.VISIT_VALIDITY_DAYS.check("validity_days"), name="visit_validity_days_range"
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True, closed_at__isnull=True)
                | models.Q(is_active=False, closed_at__isnull=False),
                name="visit_closed_iff_inactive",
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "patient", "doctor", "is_active"], name="visit_hosp_pat_doc_idx"),
            models.Index(fields=["hospital", "visit_date"], name="visit_hosp_date_idx"),
            models.Index(fields=["hospital", "patient", "-created_at"], name="visit_hosp_pat_time_idx"),
            # The visit list, newest first, a page at a time from the last row's position.
            models.Index(fields=["hospital", "-created_at", "-id"], name="visit_hosp_time_idx"),
        ]

    def __str__(self) -> str:
        return f"Visit #{self.pk} on {self.visit_date:%d %b %Y}"

    def validity_end_date(self) -> date:
        return self.visit_date + timedelta(days=self.validity_days)

    def is_expired(self, today: date | None = None) -> bool:
        """Expired once the hospital's day is past the validity end date."""
        return (today or self.hospital.local_date()) > self.validity_end_date()


class PatientVitals(HospitalScopedModel):
    """Recorded once, at visit creation. Every field optional, each range-checked."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="vitals")
    height_cm = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=rules.HEIGHT_CM.validators(),
    )
    weight_kg = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=rules.WEIGHT_KG.validators(),
    )
    bp_systolic = models.PositiveSmallIntegerField(null=True, blank=True, validators=rules.SYSTOLIC.validators())
    bp_diastolic = models.PositiveSmallIntegerField(null=True, blank=True, validators=rules.DIASTOLIC.validators())
    pulse_rate = models.PositiveSmallIntegerField(null=True, blank=True, validators=rules.PULSE.validators())
    temperature_c = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=rules.TEMPERATURE_C.validators(),
    )

    class Meta:
        verbose_name_plural = "patient vitals"
        constraints = [
            models.CheckConstraint(
                condition=rules.HEIGHT_CM.check("height_cm", nullable=True), name="vitals_height_range"
            ),
            models.CheckConstraint(
                condition=rules.WEIGHT_KG.check("weight_kg", nullable=True), name="vitals_weight_range"
            ),
            models.CheckConstraint(
                condition=rules.SYSTOLIC.check("bp_systolic", nullable=True), name="vitals_systolic_range"
            ),
            models.CheckConstraint(
                condition=rules.DIASTOLIC.check("bp_diastolic", nullable=True), name="vitals_diastolic_range"
            ),
            models.CheckConstraint(condition=rules.PULSE.check("pulse_rate", nullable=True), name="vitals_pulse_range"),
            models.CheckConstraint(
                condition=rules.TEMPERATURE_C.check("temperature_c", nullable=True), name="vitals_temperature_range"
            ),
            # Both halves of a blood pressure or neither, and diastolic below systolic.
            models.CheckConstraint(
                condition=rules.BLOOD_PRESSURE.check("bp_systolic", "bp_diastolic"), name="vitals_bp_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"Vitals of visit #{self.visit_id}"

    @property
    def blood_pressure(self) -> str:
        if self.bp_systolic is None:
            return ""
        return f"{self.bp_systolic}/{self.bp_diastolic}"

    @property
    def bmi(self) -> Decimal | None:
        """Body-mass index, kg/m², to one decimal; derived, never stored."""
        if self.height_cm is None or self.weight_kg is None:
            return None
        metres = Decimal(self.height_cm) / 100
        return (Decimal(self.weight_kg) / (metres * metres)).quantize(Decimal("0.1"))
