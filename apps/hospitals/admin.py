from django.contrib import admin

from apps.hospitals.models import Hospital


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "max_doctors", "max_receptionists", "max_medical_staff", "time_zone"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    readonly_fields = ["last_patient_number", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        # A hospital's records and audit trail stay: deactivate instead.
        return False
