from django.core.exceptions import ValidationError

from common.exceptions import Conflict, DomainError, Invalid, NotFound, PermissionDenied


def test_each_domain_error_maps_to_its_http_status():
    assert {cls: cls.status_code for cls in (Invalid, NotFound, PermissionDenied, Conflict)} == {
        Invalid: 400,
        NotFound: 404,
        PermissionDenied: 403,
        Conflict: 409,
    }
    assert all(issubclass(cls, DomainError) for cls in (Invalid, NotFound, PermissionDenied, Conflict))


def test_invalid_keeps_every_field_message_of_a_validation_error():
    error = Invalid.from_validation_error(ValidationError({"age": ["Too old."], "full_name": ["Required."]}))
    assert error.errors == {"age": ["Too old."], "full_name": ["Required."]}
    assert error.message == Invalid.default_message


def test_invalid_with_one_message_shows_that_message():
    error = Invalid.from_validation_error(ValidationError({"age": ["Enter an age from 0 to 130."]}))
    assert error.message == "Enter an age from 0 to 130."


def test_invalid_from_a_non_field_validation_error_files_it_under_all():
    assert Invalid.from_validation_error(ValidationError("Nope.")).errors == {"__all__": ["Nope."]}


def test_not_found_says_nothing_about_the_object():
    assert str(NotFound()) == "Not found."
