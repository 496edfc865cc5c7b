"""The waiting room's screens: display keys and the hospital's display settings (SPEC §11)."""

from django.db import models

from common.models import HospitalScopedModel


class DisplayKey(HospitalScopedModel):
    """A TV's (or phone's) read-only key to `/display/<key>/`: no log-in, nothing else reachable with it.

    Only the key's SHA-256 is stored; the raw key is shown once, at creation. `doctor` limits the
    display to one doctor's tokens (a room's screen); without it the display shows every doctor.
    A revoked key stops working at the next request.
    """

    name = models.CharField(max_length=80)
    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so that the admin can tell screens apart; the rest is never stored.
    key_prefix = models.CharField(max_length=8, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["hospital", "-created_at"], name="display_hosp_created_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DisplaySettings(HospitalScopedModel):
    """The hospital's choice for all its displays: patients' initials beside the tokens, or tokens only."""

    show_initials = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hospital"], name="display_settings_one_per_hospital")]

    def __str__(self) -> str:
        return f"Display settings of hospital #{self.hospital_id}"
