"""DRF permission classes: thin adapters over `common.permissions`, so web and API share rules."""

from collections.abc import Callable
from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

Check = Callable[[Any], bool]


def role_permission(check: Check, *, write: Check | None = None) -> type[BasePermission]:
    """Lets through users for whom `check(user)` is true; with `write`, that check governs unsafe methods.

    Object and owner rules (the session's own doctor) are the services' `require(...)`.
    """

    class RolePermission(BasePermission):
        message = "You do not have permission to do this."

        def has_permission(self, request, view) -> bool:
            if not (request.user and request.user.is_authenticated):
                return False
            rule = check if write is None or request.method in SAFE_METHODS else write
            return rule(request.user)

    RolePermission.__name__ = f"RolePermission_{check.__name__}"
    return RolePermission
