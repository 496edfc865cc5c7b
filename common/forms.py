from django import forms

from common.constants import MAX_ID
from common.exceptions import Invalid


class IdField(forms.IntegerField):
    """A row id in a form: 1 to MAX_ID (64 bits), else the field's error, before any query."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on fields that carry an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs["class"]:
                self.fields[name].widget.attrs["class"] += " is-invalid"


def on_or_off(data, name: str) -> bool:
    """A switch posted as "1" or "0" (status buttons); anything else is refused, never read as "off"."""
    value = data.get(name)
    if value not in ("0", "1"):
        raise Invalid.on_field(name, f"Send {name} as 1 or 0.")
    return value == "1"
