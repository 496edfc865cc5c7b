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


class CacheEntry(models.Model):
    """The table of Django's database cache, so that `migrate` makes it (SPEC §8: the only database step).

    Without REDIS_URL the default cache is `DatabaseCache` (settings.CACHES): the API's failed-token
    throttle and the one-time form tokens live here, shared by every app process. Django would
    otherwise need `manage.py createcachetable`, which a plain `migrate` never runs. The columns are
    exactly the ones createcachetable makes; only the cache backend reads and writes them (its own
    SQL), never code of ours through this model.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "django_cache"

    def __str__(self) -> str:
        return self.cache_key
