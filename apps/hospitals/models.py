import zoneinfo
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from common import field_rules as rules
from common.constants import DEFAULT_TIME_ZONE
from common.exceptions import DeletionRefused
from common.models import NeverDeletedQuerySet


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Asia/Kolkata).")


class Hospital(models.Model):
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    # 0 = none allowed (SPEC §2).
    max_doctors = models.PositiveSmallIntegerField(default=5)
    max_receptionists = models.PositiveSmallIntegerField(default=3)
    max_medical_staff = models.PositiveSmallIntegerField(default=3)
    # A visit's validity by default: the visit's own rule (common.field_rules), defined once.
    default_visit_validity_days = models.PositiveSmallIntegerField(
        default=7, validators=rules.VISIT_VALIDITY_DAYS.validators()
    )
    address = models.TextField(blank=True, max_length=500)
    phone = models.CharField(max_length=20, blank=True)
    time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone])
    # Last patient number handed out; MRNs are sequential and never reused (row-locked on use).
    last_patient_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeverDeletedQuerySet.as_manager()
    deletion_refusal = (
        "A hospital is never deleted: its patients' records, its staff and its audit trail stay. Deactivate it instead."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="hospital_name_unique_ci"),
            models.CheckConstraint(
                condition=rules.VISIT_VALIDITY_DAYS.check("default_visit_validity_days"),
                name="hospital_validity_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_date(self, moment=None) -> date:
        """The hospital's calendar day at `moment` (now by default): token numbers and "today" use it."""
        return timezone.localtime(moment or timezone.now(), self.zone).date()
