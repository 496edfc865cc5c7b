"""Strict API input, in one place: an unknown field is refused by name, and text with nothing visible is refused.

DRF ignores fields a serializer does not declare, so a client that misspells `severity` as `severty`
would save an allergy with the default and never know. Every body an API view reads goes through
`ApiView.input`, which refuses each field its input serializer does not declare, at any depth
(`unknown_fields`), and every query string through `ApiView.query`, which refuses each parameter
neither its filter nor the paginator takes. `StrictInput` holds a serializer used elsewhere to the
same rule. `VisibleText` is a CharField that refuses anything but text, and text made only of
characters nobody sees (zero-width spaces, joiners, control characters): "blank" to a reader, not
to `trim_whitespace`.
"""

import unicodedata
from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field: this endpoint does not take it."
INVISIBLE_TEXT = "Enter visible text (this holds only invisible characters)."


def is_invisible(text: str) -> bool:
    """True for text with no visible character: only separators (Z*), controls and format characters (C*)."""
    return all(unicodedata.category(char)[0] in "ZC" for char in text)


class VisibleText(serializers.CharField):
    """Text only: a number or a boolean is refused (DRF's CharField would store 12 as "12")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if value and is_invisible(value):
            if self.allow_blank:
                raise serializers.ValidationError(INVISIBLE_TEXT)
            self.fail("blank")
        return value

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and data and is_invisible(data) and not self.allow_blank:
            self.fail("blank")
        return super().run_validation(data)


def unknown_fields(serializer: serializers.Serializer, data: Any) -> dict:
    """The keys of `data` that `serializer` does not take, nested as DRF nests field errors: in nested
    serializers, in lists of them, and in lists whose items are serializers (`ListField(child=Line())`)."""
    if not isinstance(data, Mapping):
        return {}  # the serializer's own "Invalid data. Expected a dictionary" answers that
    errors: dict = {}
    fields = serializer.fields
    for key, value in data.items():
        field = fields.get(key)
        if field is None or field.read_only:
            errors[str(key)] = [UNKNOWN_FIELD]
            continue
        item_serializer = _items_serializer(field)
        if isinstance(field, serializers.Serializer) and (inner := unknown_fields(field, value)):
            errors[str(key)] = inner
        elif item_serializer is not None and isinstance(value, list):
            items = {str(n): inner for n, item in enumerate(value) if (inner := unknown_fields(item_serializer, item))}
            if items:
                errors[str(key)] = items
    return errors


def _items_serializer(field: serializers.Field) -> serializers.Serializer | None:
    """The serializer each item of a list field is read with, if it is one."""
    if not isinstance(field, serializers.ListSerializer | serializers.ListField):
        return None
    return field.child if isinstance(field.child, serializers.Serializer) else None


class StrictInput(serializers.Serializer):
    """A serializer that refuses, by name, a field it does not declare (at any depth), wherever it is used."""

    def to_internal_value(self, data):
        unknown = unknown_fields(self, data)
        if unknown:
            raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)
