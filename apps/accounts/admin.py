from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.models import User


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
