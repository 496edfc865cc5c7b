"""Abstract bases for the domain's tables."""

from django.db import models

from common.exceptions import DeletionRefused


class HospitalScopedModel(models.Model):
    """Every table of hospital data carries its hospital directly (SPEC §2 "Tenancy").

    Tenant scoping is then one indexed filter, composite indexes can lead with the
    hospital, and the schema can later be distributed by hospital.
    """

    hospital = models.ForeignKey("hospitals.Hospital", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)

    class Meta:
        abstract = True


class NeverDeletedQuerySet(models.QuerySet):
    """For tables whose rows are deactivated or corrected, never deleted (hospitals, users, patients).

    The model's own `delete()` refuses one row; this refuses a bulk delete of a queryset,
    which would bypass it. The model's `deletion_refusal` says what to do instead.
    """

    def delete(self):
        raise DeletionRefused(self.model.deletion_refusal)
