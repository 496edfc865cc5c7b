"""DRF permission classes: thin adapters over `common.permissions`, so web and API share rules."""

from collections.abc import Callable
from typing import Any

from rest_framework.permissions import BasePermission


def role_permission(check: Callable[[Any], bool]) -> type[BasePermission]:
    """A DRF permission class that lets through users for whom `check(user)` is true."""

    class RolePermission(BasePermission):
        message = "You do not have permission to do this."

        def has_permission(self, request, view) -> bool:
            return bool(request.user and request.user.is_authenticated and check(request.user))

    RolePermission.__name__ = f"RolePermission_{check.__name__}"
    return RolePermission
