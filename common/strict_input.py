"""Strict API input for new endpoints: an unknown field is refused by name; invisible-only text is refused.

DRF ignores fields a serializer does not declare, so a client that misspells `severity` as `severty`
would save an allergy with the default and never know. `StrictInput` refuses the body instead, with a
400 naming each unknown field. `VisibleText` is a CharField that also refuses text made only of
characters nobody sees (zero-width spaces, joiners, control characters): "blank" to a reader, not to
`trim_whitespace`.
"""

import unicodedata
from collections.abc import Mapping

from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field: this endpoint does not accept it."
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


class StrictInput(serializers.Serializer):
    """A body with a field the serializer does not declare is a 400 naming that field."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)
