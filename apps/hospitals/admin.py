from django.contrib import admin

from apps.hospitals.models import Hospital


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    """Read only, as every admin here: hospitals are managed on the super admin's pages and the API."""

    list_display = ["name", "is_active", "max_doctors", "max_receptionists", "max_medical_staff", "time_zone"]
    list_filter = ["is_active"]
    search_fields = ["name"]
