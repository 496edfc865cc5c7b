"""Small helpers that services use to validate before they write."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from common.exceptions import Invalid


def full_clean_or_raise(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's validation and raise the domain's `Invalid` with per-field messages."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise Invalid.from_validation_error(error) from None


def clean_text(value: str | None) -> str:
    """Trim and collapse inner runs of white space, so " Paracetamol  500 " == "Paracetamol 500"; invisible
    characters removed (common.field_rules.normalise_text, the one normaliser)."""
    from common.field_rules import normalise_text  # field_rules imports common.exceptions only; no cycle

    return normalise_text(value or "")


# PostgreSQL refuses NUL in any text it is sent, so a NUL that reached a query or an INSERT would be a
# 500 there (and stored on SQLite). No person types one: request input carrying it is refused whole,
# naming where it was, in one place per kind of input: common.middleware.RefuseNulMiddleware (query
# strings, form bodies, cookies) and common.parsers.JSONParser (API bodies). Same words as Django's
# and DRF's own field validators.
NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."


def nul_path(data: Any) -> list[str | int] | None:
    """Where the first NUL is in parsed JSON (keys and indexes down to it), or None.

    A NUL inside a key stops at that key's object: the key itself is not worth repeating.
    """
    if isinstance(data, str):
        return [] if NUL in data else None
    items: Iterable[tuple[str | int, Any]]
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        if isinstance(key, str) and NUL in key:
            return []
        inner = nul_path(value)
        if inner is not None:
            return [key, *inner]
    return None
