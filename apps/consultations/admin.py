from django.contrib import admin

from apps.consultations.models import (
    Complaint,
    ConsultationRecord,
    ConsultationSession,
    Diagnosis,
    IcdSynonym,
    Investigation,
    PickListEntry,
)
from common.admin import ClinicalRecordAdmin, ReadOnlyAdmin


@admin.register(ConsultationSession)
class ConsultationSessionAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "visit_id", "session_number", "token_date", "status", "completed_at"]


# The record and its lines are health data: identifiers and times only, never the text or codes.
@admin.register(ConsultationRecord)
class ConsultationRecordAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "session_id", "created_at", "updated_at"]


@admin.register(Complaint, Diagnosis, Investigation)
class RecordLineAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "record_id", "position", "created_at"]


# The hospital's own lists and shorthand are its settings, not a patient's data.
@admin.register(PickListEntry)
class PickListEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "hospital", "kind", "text", "is_active"]
    list_filter = ["hospital", "kind"]


@admin.register(IcdSynonym)
class IcdSynonymAdmin(ReadOnlyAdmin):
    list_display = ["id", "hospital", "term", "icd_code", "is_active"]
    list_filter = ["hospital"]
