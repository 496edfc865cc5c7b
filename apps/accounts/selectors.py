from django.db.models import Count, Q, QuerySet

from apps.accounts.models import User
from common.constants import STAFF_LIMIT_FIELDS, Role
from common.exceptions import NotFound
from common.permissions import has_role


def staff_list(*, hospital) -> QuerySet[User]:
    """The hospital's accounts, grouped by role, active first."""
    return User.objects.filter(hospital=hospital).order_by("role", "-is_active", "username")


def staff_limits(*, hospital) -> list[dict]:
    """Per limited role: active accounts used, allowed by the hospital, and left. One query."""
    counts = User.objects.filter(hospital=hospital, is_active=True).aggregate(
        **{role.value: Count("pk", filter=Q(role=role)) for role in STAFF_LIMIT_FIELDS}
    )
    rows = []
    for role, limit_field in STAFF_LIMIT_FIELDS.items():
        allowed = getattr(hospital, limit_field)
        used = counts[role.value]
        rows.append(
            {"role": role.value, "label": role.label, "used": used, "allowed": allowed, "left": max(allowed - used, 0)}
        )
    return rows


def hospital_admins(*, hospital) -> QuerySet[User]:
    return User.objects.filter(hospital=hospital, role=Role.HOSPITAL_ADMIN).order_by("username")


def user_get(*, by, user_id) -> User:
    """An account the actor manages: a super admin sees hospital admins, a hospital admin its own staff."""
    users = User.objects.select_related("hospital")
    if has_role(by, Role.SUPER_ADMIN):
        users = users.filter(role=Role.HOSPITAL_ADMIN)
    elif has_role(by, Role.HOSPITAL_ADMIN):
        users = users.filter(hospital_id=by.hospital_id)
    else:
        raise NotFound()
    try:
        return users.get(pk=int(user_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
