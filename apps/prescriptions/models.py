from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models.functions import Lower

from common.constants import ItemStatus
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
        ]

    def __str__(self) -> str:
        return f"Item #{self.pk} of prescription #{self.prescription_id}"

    @property
    def allergy_overridden(self) -> bool:
        return bool(self.allergy_override_reason)

    @property
    def is_active(self) -> bool:
        return self.status == ItemStatus.ACTIVE
