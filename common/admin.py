from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows are written only through services (rules and audit); the admin only looks.

    The admin site mixes this into every ModelAdmin it registers (apps.accounts.admin_site).
    """

    def get_actions(self, request):
        # Actions write (delete_selected, django-axes' clean-up): none.
        return {}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClinicalRecordAdmin(ReadOnlyAdmin):
    """For tables of health data. The Django admin's only users are super admins, who may see no
    patient or clinical data (SPEC §1): only identifiers, hospital, status and times are shown."""

    list_filter = ["hospital"]
    list_select_related = ["hospital"]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return self.list_display

    def get_readonly_fields(self, request, obj=None):
        return self.list_display
