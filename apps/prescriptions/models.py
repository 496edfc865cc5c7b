from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models.functions import Lower

from common.constants import ItemStatus
from common.dosing import DoseUnit, DurationUnit, FoodRelation, describe, parse_dose
from common.models import HospitalScopedModel


class Prescription(HospitalScopedModel):
    """The visit's one prescription, created when its doctor first opens a session."""

    visit = models.OneToOneField("visits.Visit", on_delete=models.PROTECT, related_name="prescription")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Prescription of visit #{self.visit_id}"


class PrescriptionItem(HospitalScopedModel):
    """One medicine. Carries over from session to session until stopped; never deleted."""

    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="items")
    session = models.ForeignKey(
        "consultations.ConsultationSession", on_delete=models.PROTECT, related_name="items_added"
    )
    medicine_name = models.CharField(max_length=200, validators=[MinLengthValidator(1)])
    dosage = models.CharField(max_length=100)
    frequency = models.CharField(max_length=50)
    duration = models.CharField(max_length=50)
    instructions = models.CharField(max_length=300, blank=True)
    # Structured dosing (SPEC §10, apps/prescriptions/dosing.py). Blank/null on items written before it,
    # which keep showing their text fields as written; a structured item fills those texts too.
    dose_pattern = models.CharField(max_length=30, blank=True, default="", help_text="1-0-1, ½-0-½, BD, 2 TDS")
    dose_unit = models.CharField(max_length=12, blank=True, default="", choices=DoseUnit.choices)
    food_relation = models.CharField(max_length=10, blank=True, default="", choices=FoodRelation.choices)
    duration_value = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_unit = models.CharField(max_length=10, blank=True, default="", choices=DurationUnit.choices)
    quantity = models.PositiveIntegerField(null=True, blank=True, help_text="Units to dispense; none for SOS/continue")
    # The catalogue entry the doctor picked; none for a medicine written outside the formulary
    # (is_uncatalogued True) or before it existed (is_uncatalogued None).
    # No database constraint or own index: dropping a constrained or indexed column makes SQLite rebuild
    # the table, which breaks rolling back past consultations' table move (tests/test_migrations.py).
    # Entries are never deleted (PROTECT holds in Django), and the composite index below serves lookups.
    formulary_entry = models.ForeignKey(
        "formulary.FormularyEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    is_uncatalogued = models.BooleanField(null=True, blank=True)
    # Why the doctor prescribed it although it matches an active allergy of the patient (SPEC §9);
    # empty when it matched none. The pharmacy sees that an override happened, and why.
    allergy_override_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    stopped_in_session = models.ForeignKey(
        "consultations.ConsultationSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items_stopped",
    )
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Two active items with the same medicine (case-insensitive) are refused, even under races.
            models.UniqueConstraint(
                "prescription",
                Lower("medicine_name"),
                condition=models.Q(status=ItemStatus.ACTIVE),
                name="item_one_active_per_medicine",
            ),
            models.CheckConstraint(condition=models.Q(status__in=ItemStatus.values), name="item_status_valid"),
            models.CheckConstraint(condition=~models.Q(medicine_name=""), name="item_medicine_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(status=ItemStatus.ACTIVE, stopped_at__isnull=True, stopped_in_session__isnull=True)
                | models.Q(status=ItemStatus.STOPPED, stopped_at__isnull=False, stopped_in_session__isnull=False),
                name="item_stopped_iff_stop_recorded",
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "prescription", "status"], name="item_hosp_rx_status_idx"),
            models.Index(fields=["hospital", "formulary_entry"], name="item_hosp_formulary_idx"),
        ]

    def __str__(self) -> str:
        return f"Item #{self.pk} of prescription #{self.prescription_id}"

    @property
    def allergy_overridden(self) -> bool:
        return bool(self.allergy_override_reason)

    @property
    def is_active(self) -> bool:
        return self.status == ItemStatus.ACTIVE

    @property
    def is_structured(self) -> bool:
        return bool(self.dose_pattern)

    @property
    def food_text(self) -> str:
        """ "after food" in the active language, "" when not given (or written before structured dosing)."""
        return str(FoodRelation(self.food_relation).label) if self.food_relation else ""

    @property
    def dose_words(self) -> str:
        """The instruction in the active language ("Morning 1 · Afternoon 0 · Night 1 — after food — 5 days");
        for an item written before structured dosing, its own texts, as they were written."""
        if not self.is_structured:
            return " · ".join(part for part in (self.frequency, self.duration, self.instructions) if part)
        dose = parse_dose(self.dose_pattern, self.dose_unit or DoseUnit.TABLET)
        return describe(dose, self.food_relation, self.duration_value, self.duration_unit)


class PrescriptionTemplate(HospitalScopedModel):
    """A doctor's named set of medicines ("Viral fever, adult"), applied into an open session."""

    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100, validators=[MinLengthValidator(1)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("doctor", Lower("name"), name="template_name_unique_per_doctor"),
            models.CheckConstraint(condition=~models.Q(name=""), name="template_name_not_empty"),
        ]
        indexes = [models.Index(fields=["hospital", "doctor"], name="template_hosp_doctor_idx")]

    def __str__(self) -> str:
        return self.name


class TemplateItem(HospitalScopedModel):
    """One medicine of a template, as an item would be written (texts and, when structured, the dose)."""

    template = models.ForeignKey(PrescriptionTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    medicine_name = models.CharField(max_length=200)
    dosage = models.CharField(max_length=100, blank=True)
    frequency = models.CharField(max_length=50, blank=True)
    duration = models.CharField(max_length=50, blank=True)
    instructions = models.CharField(max_length=300, blank=True)
    dose_pattern = models.CharField(max_length=30, blank=True)
    dose_unit = models.CharField(max_length=12, blank=True)
    food_relation = models.CharField(max_length=10, blank=True)
    duration_value = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_unit = models.CharField(max_length=10, blank=True)
    formulary_entry = models.ForeignKey(
        "formulary.FormularyEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_constraint=False, db_index=False,
    )  # fmt: skip

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["hospital", "template"], name="template_item_hosp_tpl_idx")]

    def __str__(self) -> str:
        return f"{self.medicine_name} in template #{self.template_id}"
