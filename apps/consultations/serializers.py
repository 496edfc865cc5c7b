"""API shapes of a consultation session, its record, ICD-10 codes and the hospital's lists."""

from rest_framework import serializers

from apps.consultations.models import (
    ADVICE_LIMIT,
    DURATION_LIMIT,
    FOLLOW_UP_DAYS_MAX,
    LINE_LIMIT,
    TEXT_LIMIT,
    ConsultationSession,
    DiagnosisCertainty,
    DiagnosisKind,
    IcdSynonym,
    PickListEntry,
    PickListKind,
)
from apps.consultations.services import MAX_LINES
from common.api import IdField
from common.strict_input import StrictInput, VisibleText


class SessionOutput(serializers.ModelSerializer):
    queue_state = serializers.ChoiceField(
        choices=["waiting", "called", "in_consultation", "no_show", "completed"],
        read_only=True,
        help_text="Where the token is in the waiting room (SPEC §11).",
    )

    class Meta:
        model = ConsultationSession
        fields = [
            "id",
            "visit",
            "session_number",
            "token_number",
            "token_date",
            "status",
            "created_at",
            "started_at",
            "completed_at",
            "queue_state",
            "priority",
            "queued_at",
            "called_at",
            "recall_count",
            "skip_count",
            "no_show_at",
        ]
        read_only_fields = fields


def _text(limit: int, **kwargs) -> serializers.CharField:
    # Lengths are the service's rule too (it trims first); the serializer's max stops absurd bodies early.
    return VisibleText(max_length=limit * 2, trim_whitespace=False, **kwargs)


class ComplaintLine(StrictInput):
    text = _text(LINE_LIMIT, help_text='e.g. "Fever"')
    duration = _text(DURATION_LIMIT, required=False, allow_blank=True, help_text='e.g. "3 days"')


class DiagnosisLine(StrictInput):
    icd_code = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="An ICD-10 code (GET /api/v1/icd10/?q=)."
    )
    text = _text(
        LINE_LIMIT,
        required=False,
        allow_blank=True,
        help_text="The diagnosis in words when no code fits; with a code, defaults to its ICD-10 title.",
    )
    kind = serializers.ChoiceField(choices=DiagnosisKind.choices, required=False)
    certainty = serializers.ChoiceField(choices=DiagnosisCertainty.choices, required=False)


class InvestigationLine(StrictInput):
    text = _text(LINE_LIMIT, help_text="From the hospital's test list, or free text.")


class RecordInput(StrictInput):
    complaints = serializers.ListField(child=ComplaintLine(), max_length=MAX_LINES["complaints"], required=False)
    history = _text(TEXT_LIMIT, required=False, allow_blank=True)
    examination = _text(TEXT_LIMIT, required=False, allow_blank=True)
    diagnoses = serializers.ListField(child=DiagnosisLine(), max_length=MAX_LINES["diagnoses"], required=False)
    investigations = serializers.ListField(
        child=InvestigationLine(), max_length=MAX_LINES["investigations"], required=False
    )
    advice = _text(ADVICE_LIMIT, required=False, allow_blank=True)
    follow_up_date = serializers.DateField(required=False, allow_null=True, help_text="A date after today.")
    follow_up_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=FOLLOW_UP_DAYS_MAX, help_text="Review after N days."
    )


class ComplaintOutput(serializers.Serializer):
    text = serializers.CharField()
    duration = serializers.CharField()


class DiagnosisOutput(serializers.Serializer):
    icd_code = serializers.CharField(help_text="Empty for a free-text diagnosis.")
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=DiagnosisKind.choices)
    certainty = serializers.ChoiceField(choices=DiagnosisCertainty.choices)


class InvestigationOutput(serializers.Serializer):
    text = serializers.CharField()


class RecordOutput(serializers.Serializer):
    session = IdField(source="session.pk", read_only=True)
    complaints = ComplaintOutput(many=True)
    history = serializers.CharField()
    examination = serializers.CharField()
    diagnoses = DiagnosisOutput(many=True)
    investigations = InvestigationOutput(many=True)
    advice = serializers.CharField()
    follow_up_date = serializers.DateField(allow_null=True)
    follow_up_days = serializers.IntegerField(allow_null=True)
    review_date = serializers.DateField(
        allow_null=True, help_text="The follow-up as a date: the date given, or the session's day plus the days."
    )
    updated_at = serializers.DateTimeField(allow_null=True, help_text="Null until something is written.")


class IcdQuery(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="A code (I10, J06.9), words, or shorthand (HTN, k/c/o DM2).")


class IcdCodeOutput(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class PickListsOutput(serializers.Serializer):
    complaint = serializers.ListField(child=serializers.CharField())
    investigation = serializers.ListField(child=serializers.CharField())
    advice = serializers.ListField(child=serializers.CharField())


class PickListEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = PickListEntry
        fields = ["id", "kind", "text", "is_active", "created_at"]
        read_only_fields = fields


class PickListEntryInput(StrictInput):
    kind = serializers.ChoiceField(choices=PickListKind.choices)
    text = _text(LINE_LIMIT)


class StatusInput(StrictInput):
    is_active = serializers.BooleanField()


class PickListQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PickListKind.choices, required=False)
    page = serializers.IntegerField(required=False)
    page_size = serializers.IntegerField(required=False)


class IcdSynonymOutput(serializers.ModelSerializer):
    class Meta:
        model = IcdSynonym
        fields = ["id", "term", "icd_code", "is_active", "created_at"]
        read_only_fields = fields


class IcdSynonymInput(StrictInput):
    term = serializers.CharField(max_length=60)
    icd_code = serializers.CharField(max_length=10)
