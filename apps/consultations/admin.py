from django.contrib import admin

from apps.consultations.models import ConsultationSession
from common.admin import ClinicalRecordAdmin


@admin.register(ConsultationSession)
class ConsultationSessionAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "visit_id", "session_number", "token_date", "status", "completed_at"]
