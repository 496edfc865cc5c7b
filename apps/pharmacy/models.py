from django.db import models

from common.models import HospitalScopedModel


class DispenseRecord(HospitalScopedModel):
    """What the pharmacy printed and handed over for one completed session of a prescription.

    One per (prescription, completed session) that leaves at least one active item.
    Its items are those active when the session completed (see pharmacy selectors).
    """

    prescription = models.ForeignKey(
        "prescriptions.Prescription", on_delete=models.PROTECT, related_name="dispense_records"
    )
    session = models.OneToOneField(
        "consultations.ConsultationSession", on_delete=models.PROTECT, related_name="dispense_record"
    )
    is_printed = models.BooleanField(default=False)
    printed_at = models.DateTimeField(null=True, blank=True)  # first print
    print_count = models.PositiveIntegerField(default=0)
    is_dispensed = models.BooleanField(default=False)
    dispensed_at = models.DateTimeField(null=True, blank=True)
    dispensed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prescription", "session"], name="dispense_one_per_rx_session"),
            models.CheckConstraint(
                condition=models.Q(is_printed=False, printed_at__isnull=True, print_count=0)
                | models.Q(is_printed=True, printed_at__isnull=False, print_count__gte=1),
                name="dispense_printed_consistent",
            ),
            models.CheckConstraint(
                condition=models.Q(is_dispensed=False, dispensed_at__isnull=True, dispensed_by__isnull=True)
                | models.Q(is_dispensed=True, is_printed=True, dispensed_at__isnull=False, dispensed_by__isnull=False),
                name="dispense_dispensed_after_print",
            ),
        ]
        # The pharmacy's lists, each in its own order (pharmacy.selectors.dispense_record_list), read a page
        # at a time from the position of the last row (keyset): a page costs the same after a million rows.
        indexes = [
            models.Index(
                fields=["hospital", "created_at", "id"],
                condition=models.Q(is_dispensed=False),
                name="dispense_hosp_pending_idx",
            ),
            models.Index(
                fields=["hospital", "-dispensed_at", "-id"],
                condition=models.Q(is_dispensed=True),
                name="dispense_hosp_dispensed_idx",
            ),
            models.Index(fields=["hospital", "-created_at", "-id"], name="dispense_hosp_time_idx"),
        ]

    def __str__(self) -> str:
        return f"Dispense record #{self.pk} (session #{self.session_id})"
