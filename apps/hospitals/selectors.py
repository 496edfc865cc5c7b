from django.db.models import Count, Q, QuerySet

from apps.hospitals.models import Hospital
from common.constants import Role
from common.exceptions import NotFound


def hospital_list() -> QuerySet[Hospital]:
    """Every hospital with its active staff counted per limited role, in one query (super admin's list)."""
    active = Q(users__is_active=True)
    return Hospital.objects.annotate(
        active_doctors=Count("users", filter=active & Q(users__role=Role.DOCTOR)),
        active_receptionists=Count("users", filter=active & Q(users__role=Role.RECEPTIONIST)),
        active_medical_staff=Count("users", filter=active & Q(users__role=Role.MEDICAL_STAFF)),
        hospital_admins=Count("users", filter=Q(users__role=Role.HOSPITAL_ADMIN)),
    ).order_by("name")


def hospital_get(*, hospital_id: int) -> Hospital:
    try:
        return Hospital.objects.get(pk=hospital_id)
    except (Hospital.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
