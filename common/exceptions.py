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


# The conflicts an integrator may want to branch on, each with its own code (SPEC §8). The services
# write the message; the code says which rule refused.


class LimitReached(Conflict):
    """The hospital already has as many active staff of this role as it may."""

    code = "limit_reached"


class DuplicateActiveVisit(Conflict):
    """The patient already has an active, unexpired visit with this doctor: offer a follow-up on it."""

    code = "duplicate_active_visit"

    def __init__(self, message: str, *, existing_visit):
        self.existing_visit = existing_visit
        super().__init__(message, extra={"existing_visit": existing_visit.pk})


class VisitClosed(Conflict):
    """The visit is closed: no follow-up, no second close."""

    code = "visit_closed"


class VisitExpired(Conflict):
    """The visit's validity has ended: create a new visit."""

    code = "visit_expired"


class SessionStillOpen(Conflict):
    """A visit with an open session takes no follow-up and cannot close."""

    code = "session_still_open"


class SessionNotOpen(Conflict):
    """The session is completed: nothing in it changes any more."""

    code = "session_not_open"


class SessionNotStarted(Conflict):
    """The doctor has not started the consultation yet."""

    code = "session_not_started"


class QueueEmpty(Conflict):
    """Nobody is waiting in the doctor's queue: there is no token to call."""

    code = "queue_empty"


class NotCalled(Conflict):
    """The token is not being called (waiting, started, or a no-show): recall and skip need a called token."""

    code = "not_called"


class NotNoShow(Conflict):
    """Only a no-show (skipped twice) is requeued."""

    code = "not_no_show"


class AlreadyStarted(Conflict):
    """The consultation has started: the token can no longer be moved or re-prioritised."""

    code = "already_started"


class NoOpenSession(Conflict):
    """The visit has no open session: nobody waits in a queue for it."""

    code = "no_open_session"


class DisplayKeyRevoked(Conflict):
    """The display key is already revoked."""

    code = "display_key_revoked"


class SessionNotCompleted(Conflict):
    """The pharmacy's work waits for the doctor to complete the session."""

    code = "session_not_completed"


class DuplicateActiveItem(Conflict):
    """That medicine is already active on the prescription: stop it first to change it."""

    code = "duplicate_active_item"


class ItemNotActive(Conflict):
    """The item is already stopped."""

    code = "item_not_active"


class AlreadyDispensed(Conflict):
    """The medicines were already handed over."""

    code = "already_dispensed"


class NotPrinted(Conflict):
    """The prescription must be printed before it is dispensed."""

    code = "not_printed"


class NothingToDispense(Conflict):
    """No medicine of the prescription is active."""

    code = "nothing_to_dispense"


class AllergyConflict(Conflict):
    """The medicine matches an active allergy of the patient: give an override reason to prescribe it anyway."""

    code = "allergy_conflict"

    def __init__(self, message: str, *, allergies):
        self.allergies = list(allergies)
        # The message also belongs to the field that lifts the refusal, so forms show it right there.
        super().__init__(
            message,
            errors={"allergy_override_reason": [message]},
            extra={"allergies": [allergy.pk for allergy in self.allergies]},
        )


class RegistrationMissing(Conflict):
    """The doctor has no registration number, which a prescription must carry: the hospital admin adds it."""

    code = "registration_missing"


def domain_error_codes() -> dict[str, type[DomainError]]:
    """Every code of the hierarchy, for the OpenAPI schema and its test."""
    found: dict[str, type[DomainError]] = {}
    pending = list(DomainError.__subclasses__())
    while pending:
        error = pending.pop()
        found.setdefault(error.code, error)
        pending.extend(error.__subclasses__())
    return found
