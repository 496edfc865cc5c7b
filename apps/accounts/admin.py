from django.contrib import admin

from apps.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Accounts, read only: they are created, changed and deactivated on the staff pages and the API,
    which hold the staff limits, end sessions and tokens, and audit. The password hash is not shown."""

    list_display = ["username", "get_full_name", "role", "hospital", "is_active", "last_login"]
    list_filter = ["role", "is_active", "hospital"]
    list_select_related = ["hospital"]
    search_fields = ["username_key"]
    fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "hospital",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds tokens until when; the token itself is never stored, only its hash (not shown either)."""

    list_display = ["id", "user", "created_at", "expires_at"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "expires_at"]
