from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "hospital", "is_active", "last_login"]
    list_filter = ["role", "is_active", "hospital"]
    list_select_related = ["hospital"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("ClinicSetu", {"fields": ["role", "hospital"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("ClinicSetu", {"fields": ["role", "hospital"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Accounts carry audit history: deactivate instead.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Lets an operator see and revoke (delete) tokens; the token itself is never stored, only its hash."""

    list_display = ["id", "user", "created_at", "expires_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "token_hash", "created_at", "expires_at"]

    def has_add_permission(self, request):
        return False
