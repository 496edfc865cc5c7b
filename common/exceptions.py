"""The one error hierarchy of the domain.

Services raise these; one web mixin (`common.mixins.DomainErrorMixin`) turns them
into messages and error pages, and one DRF exception handler turns them into
400/403/404/409. Messages are written for the clinic's staff: they are shown as is.
A NotFound or PermissionDenied message never names the object or any of its fields.
"""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    code = "error"
    status_code = 400
    default_message = "The request could not be completed."

    def __init__(
        self, message: str | None = None, *, errors: dict[str, list[str]] | None = None, extra: dict | None = None
    ):
        self.message = message or self.default_message
        # Field name -> messages; "__all__" for errors that belong to no single field.
        self.errors = errors or {}
        # Machine-readable hints for API clients, e.g. the id of the visit to follow up instead.
        self.extra = extra or {}
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class Invalid(DomainError):
    """Input breaks a rule of its own (range, format, length): fix the input and retry."""

    code = "invalid"
    status_code = 400
    default_message = "Please correct the errors below."

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "Invalid":
        if hasattr(error, "error_dict"):
            errors = {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}
        else:
            errors = {"__all__": [str(m) for m in error.messages]}
        first = next(iter(errors.values()))[0]
        return cls(first if len(errors) == 1 and len(next(iter(errors.values()))) == 1 else None, errors=errors)

    @classmethod
    def on_field(cls, field: str, message: str) -> "Invalid":
        return cls(message, errors={field: [message]})


class NotFound(DomainError):
    """The object does not exist for this user (including: it belongs to another hospital)."""

    code = "not_found"
    status_code = 404
    default_message = "Not found."


class PermissionDenied(DomainError):
    """The object exists in the user's hospital, but this role or person may not do this."""

    code = "permission_denied"
    status_code = 403
    default_message = "You do not have permission to do this."


class Conflict(DomainError):
    """The request is valid but the current state forbids it (already dispensed, limit reached)."""

    code = "conflict"
    status_code = 409
    default_message = "This conflicts with the current state."


class DeletionRefused(Conflict):
    """Hospitals, users and patients are never deleted: their history stays (see docs/operations.md)."""

    code = "deletion_refused"
    default_message = "This record is kept for the clinic's history and cannot be deleted."
