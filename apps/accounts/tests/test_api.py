"""API tokens (SPEC §4, §7): hashed, expiring, revocable, dead at once when the user or hospital is."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.services import set_staff_status, update_staff_details
from apps.accounts.tests.factories import TEST_PASSWORD
from apps.audit.models import AuditEvent
from apps.hospitals.services import set_hospital_status

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def obtain(username, password=TEST_PASSWORD, client=None):
    return (client or APIClient()).post(TOKEN_URL, {"username": username, "password": password}, format="json")


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_is_issued_for_good_credentials_and_only_its_hash_is_stored(receptionist):
    answer = obtain("DESK")  # usernames are case-insensitive
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"token", "expires_at", "user"}
    assert body["user"]["username"] == "desk"
    stored = ApiToken.objects.get(user=receptionist)
    assert body["token"] not in stored.token_hash
    assert len(stored.token_hash) == 64
    assert AuditEvent.objects.filter(action="auth.token_create", actor=receptionist).count() == 1
    assert bearer(body["token"]).get("/api/v1/me/").status_code == 200


def test_tokens_expire_after_the_configured_hours(receptionist):
    with override_settings(API_TOKEN_TTL_HOURS=2):
        body = obtain("desk").json()
    token = ApiToken.objects.get(user=receptionist)
    assert abs(token.expires_at - (timezone.now() + timedelta(hours=2))) < timedelta(minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = bearer(body["token"]).get("/api/v1/me/")
    assert (answer.status_code, answer.json()["detail"]) == (401, "Invalid or expired token.")


def test_the_default_lifetime_is_twelve_hours(receptionist):
    obtain("desk")
    token = ApiToken.objects.get(user=receptionist)
    assert abs(token.expires_at - (timezone.now() + timedelta(hours=12))) < timedelta(minutes=1)


def test_bad_credentials_are_refused_audited_and_give_no_hint(receptionist):
    for username, password in (("desk", "wrong-password"), ("nobody", TEST_PASSWORD)):
        answer = obtain(username, password)
        assert (answer.status_code, answer.json()) == (
            400,
            {"detail": "Unable to log in with the given username and password.", "code": "invalid"},
        )
    assert list(AuditEvent.objects.filter(action="auth.login_failed").values_list("actor_username", flat=True)) == [
        "nobody",
        "desk",
    ]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", [{}, {"username": "desk"}, {"username": ["desk"], "password": 5}, []])
def test_malformed_token_requests_are_400(receptionist, body):
    answer = APIClient().post(TOKEN_URL, body, format="json")
    assert answer.status_code == 400


def test_failed_token_requests_from_one_address_are_throttled_but_successes_are_not(receptionist):
    for _ in range(10):
        assert obtain("desk").status_code == 201
    # Ten different usernames: no single account is locked out, yet the address is slowed down.
    for n in range(10):
        assert obtain(f"guess{n}", "wrong-password").status_code == 400
    answer = obtain("desk")
    assert answer.status_code == 429
    assert "detail" in answer.json()


def test_an_inactive_user_or_hospital_gets_no_token(receptionist, hospital_admin, super_admin, hospital):
    set_staff_status(by=hospital_admin, user=receptionist, is_active=False)
    assert obtain("desk").status_code == 400
    set_staff_status(by=hospital_admin, user=receptionist, is_active=True)
    set_hospital_status(by=super_admin, hospital=hospital, is_active=False)
    assert obtain("desk").status_code == 400


def test_deactivating_a_user_ends_their_tokens_at_once(receptionist, hospital_admin):
    client = bearer(obtain("desk").json()["token"])
    set_staff_status(by=hospital_admin, user=receptionist, is_active=False)
    assert client.get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=receptionist).exists()


def test_deactivating_a_hospital_ends_its_users_tokens_at_once(receptionist, super_admin, hospital):
    client = bearer(obtain("desk").json()["token"])
    set_hospital_status(by=super_admin, hospital=hospital, is_active=False)
    assert client.get("/api/v1/me/").status_code == 401
    # Deactivation ended the token: re-activating the hospital does not bring it back.
    set_hospital_status(by=super_admin, hospital=hospital, is_active=True)
    assert client.get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=receptionist).exists()


def test_a_password_change_ends_every_token_of_the_user(receptionist, hospital_admin):
    clients = [bearer(obtain("desk").json()["token"]) for _ in range(2)]
    update_staff_details(by=hospital_admin, user=receptionist, password="a-brand-new-secret-7")
    assert [c.get("/api/v1/me/").status_code for c in clients] == [401, 401]


def test_delete_revokes_only_the_token_in_use(receptionist):
    first, second = (bearer(obtain("desk").json()["token"]) for _ in range(2))
    assert first.delete(TOKEN_URL).status_code == 204
    assert first.get("/api/v1/me/").status_code == 401
    assert second.get("/api/v1/me/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.token_revoke").count() == 1


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer not-a-token", "Bearer \u00e9t\u00e9"])
def test_malformed_or_unknown_tokens_are_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/me/").status_code == 401


def test_no_credentials_is_a_401_that_names_the_scheme():
    answer = APIClient().get("/api/v1/me/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Bearer"


def test_the_browser_session_works_but_needs_csrf_for_writes(client, receptionist):
    client.force_login(receptionist)
    assert client.get("/api/v1/me/").json()["username"] == "desk"
    csrf_client = APIClient(enforce_csrf_checks=True)
    csrf_client.force_login(receptionist)
    answer = csrf_client.post("/api/v1/patients/", {"full_name": "A", "age": 1, "gender": "M"}, format="json")
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]


def test_a_session_cannot_be_revoked_as_a_token(client, receptionist):
    client.force_login(receptionist)
    answer = client.delete(TOKEN_URL)
    assert answer.status_code == 400
    assert "log out of the browser" in answer.json()["detail"]
