from datetime import date, datetime, time, timedelta

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError

from common.forms import BootstrapFormMixin


def _object_types() -> list[tuple[str, str]]:
    models = sorted(m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("apps."))
    return [("", "Any"), *((label, label) for label in models)]


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    """The audit viewer's filters (GET). Days are read in the viewer's time zone."""

    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(required=False, max_length=150, label="Username")
    action = forms.CharField(
        required=False,
        max_length=64,
        help_text='e.g. visit.create, or "auth." for every action starting so.',
    )
    object_type = forms.ChoiceField(required=False, label="Object", choices=_object_types)
    object_id = forms.CharField(required=False, max_length=64, label="Object id")

    def __init__(self, *args, zone, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("“From” must not be after “To”.")
        return data

    def filters(self) -> dict:
        """What `audit_event_list` takes: days become the start of the first and of the day after the last
        (none after 31 Dec 9999, the last day a date can hold: every event is before its end)."""
        data = self.cleaned_data
        start = lambda day: datetime.combine(day, time.min, tzinfo=self.zone)  # noqa: E731 (a one-line local helper)
        until = data["until"]
        return {
            "action": data["action"].strip(),
            "actor": data["actor"].strip(),
            "since": start(data["since"]) if data["since"] else None,
            "until": start(until + timedelta(days=1)) if until and until < date.max else None,
            "object_type": data["object_type"],
            "object_id": data["object_id"].strip(),
        }
