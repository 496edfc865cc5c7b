"""SPEC §7: deactivation (of the user or their hospital) and a password change END every session and token.

Ended, not suspended: re-activating the account or the hospital later must not bring an old
browser session or API token back (issue 14, point 4). Each case is checked for a browser
session (a page and the API through the session cookie) and for a bearer token.
"""

import pytest
from django.urls import reverse

from apps.accounts.models import ApiToken
from apps.accounts.services import set_staff_status, update_staff_details
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.hospitals.services import set_hospital_status

pytestmark = pytest.mark.django_db
QUEUE = "/consultations/queue/"
ME = "/api/v1/me/"


@pytest.fixture
def old_credentials(client, api_as, doctor, other_doctor):
    """The doctor logged in through the login page (a real session) and holding a bearer token;
    a colleague, in the same state, whom nothing here concerns unless the hospital is deactivated."""
    assert client.post(reverse("accounts:login"), {"username": "doc", "password": TEST_PASSWORD}).status_code == 302
    token_client = api_as(doctor)
    colleague = api_as(other_doctor)
    assert client.get(QUEUE).status_code == 200
    assert client.get(ME).status_code == 200
    assert token_client.get(ME).status_code == 200
    return client, token_client, colleague


def assert_ended(client, token_client):
    assert client.get(QUEUE)["Location"].startswith(reverse("accounts:login"))
    assert client.get(ME).status_code == 401
    assert token_client.get(ME).status_code == 401


def test_a_deactivated_and_reactivated_user_has_no_old_session_or_token(old_credentials, hospital_admin, doctor):
    client, token_client, colleague = old_credentials
    set_staff_status(by=hospital_admin, user=doctor, is_active=False)
    assert_ended(client, token_client)
    set_staff_status(by=hospital_admin, user=doctor, is_active=True)
    assert_ended(client, token_client)
    assert not ApiToken.objects.filter(user=doctor).exists()
    assert colleague.get(ME).status_code == 200


def test_a_deactivated_and_reactivated_hospital_has_no_old_sessions_or_tokens(old_credentials, super_admin, hospital):
    client, token_client, colleague = old_credentials
    set_hospital_status(by=super_admin, hospital=hospital, is_active=False)
    assert_ended(client, token_client)
    set_hospital_status(by=super_admin, hospital=hospital, is_active=True)
    assert_ended(client, token_client)
    assert colleague.get(ME).status_code == 401
    assert not ApiToken.objects.filter(user__hospital=hospital).exists()


def test_another_hospitals_sessions_and_tokens_are_untouched(api_as, super_admin, hospital, other_hospital):
    stranger = api_as(UserFactory(hospital=other_hospital))
    set_hospital_status(by=super_admin, hospital=hospital, is_active=False)
    assert stranger.get(ME).status_code == 200


def test_a_password_change_ends_every_session_and_token(old_credentials, hospital_admin, doctor):
    client, token_client, colleague = old_credentials
    update_staff_details(by=hospital_admin, user=doctor, password="a-brand-new-secret-7")
    assert_ended(client, token_client)
    assert colleague.get(ME).status_code == 200


def test_after_reactivation_the_user_logs_in_afresh(old_credentials, hospital_admin, doctor):
    client, _, _ = old_credentials
    set_staff_status(by=hospital_admin, user=doctor, is_active=False)
    set_staff_status(by=hospital_admin, user=doctor, is_active=True)
    assert client.post(reverse("accounts:login"), {"username": "doc", "password": TEST_PASSWORD}).status_code == 302
    assert client.get(QUEUE).status_code == 200


def test_the_api_patch_that_deactivates_ends_them_too(old_credentials, api_as, hospital_admin):
    client, token_client, _ = old_credentials
    doctor_id = token_client.get(ME).json()["id"]
    admin_client = api_as(hospital_admin)
    for is_active in (False, True):
        answer = admin_client.patch(f"/api/v1/users/{doctor_id}/", {"is_active": is_active}, format="json")
        assert answer.status_code == 200
    assert_ended(client, token_client)
