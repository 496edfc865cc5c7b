from django.contrib import admin

from apps.visits.models import PatientVitals, Visit
from common.admin import ClinicalRecordAdmin


@admin.register(Visit)
class VisitAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "visit_date", "validity_days", "is_active", "closed_at"]


@admin.register(PatientVitals)
class PatientVitalsAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "visit_id", "created_at"]
