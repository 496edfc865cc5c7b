from django.contrib import admin

from apps.pharmacy.models import DispenseRecord
from common.admin import ClinicalRecordAdmin


@admin.register(DispenseRecord)
class DispenseRecordAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "session_id", "is_printed", "print_count", "is_dispensed", "dispensed_at"]
