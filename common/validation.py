"""Small helpers that services use to validate before they write."""

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
    """Trim and collapse inner runs of white space, so " Paracetamol  500 " == "Paracetamol 500"."""
    return " ".join((value or "").split())
