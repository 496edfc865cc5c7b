"""The API's one JSON parser (settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]): no body gives a 500.

DRF's own JSONParser hands the body to `json.load`, which raises RecursionError (a 500) on brackets
nested about a thousand deep. This one, before parsing, refuses a charset that is no text encoding
(as DRF does), text that is not in it, and nesting deeper than MAX_DEPTH (counted without
recursion); after parsing, a NUL character in any key or string, naming the field: PostgreSQL
cannot store one. NaN and Infinity are refused as DRF does. Each is a 400.

The size: DRF reads the body through `request.body`, which Django refuses beyond
DATA_UPLOAD_MAX_MEMORY_SIZE; `common.api.ApiView` answers that with BodyTooLarge (413).
"""

import re
from typing import Any

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.utils import json

from common.validation import NUL_MESSAGE, nul_path

# Our deepest body is a visit with its vitals (2); a list of items inside an object is 3.
MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "body_too_large"

    @classmethod
    def over_the_limit(cls) -> "BodyTooLarge":
        return cls(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True if brackets outside strings nest deeper than `limit`. Linear, no recursion, stops early."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _field_error(path: list) -> dict:
    """DRF's shape of a field error at `path`: {"vitals": {"blood_pressure": [message]}}."""
    if not path:
        return {"non_field_errors": [NUL_MESSAGE]}
    error: Any = [NUL_MESSAGE]
    for key in reversed(path):
        error = {key: error}
    return error


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]  # DRF's, not in its stubs
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(f"JSON parse error - the body is not {encoding} text.") from None
        if too_deep(text):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        where = nul_path(data)
        if where is not None:
            raise ValidationError(_field_error(where))
        return data
