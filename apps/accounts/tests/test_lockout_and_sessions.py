"""SPEC §7 accounts: lockout after 5 failed log-ins per username and address, idle session expiry."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.tests.factories import TEST_PASSWORD
from apps.audit.models import AuditEvent
from common.middleware import SessionIdleRefreshMiddleware

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def web_login(client, username, password, address="10.0.0.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(username, password, address="10.0.0.5"):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def end_the_lockout_window():
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


def test_five_failed_web_logins_lock_the_username_at_that_address_with_a_clear_message(client, doctor):
    for _ in range(4):
        assert web_login(client, "doc", "wrong-password").status_code == 200
    locked = web_login(client, "doc", "wrong-password")
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused while locked, and nobody is logged in.
    refused = web_login(client, "DOC", TEST_PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout", actor_username="doc").count() == 1


def test_the_lock_is_per_username_and_address(client, doctor, other_doctor):
    for _ in range(5):
        web_login(client, "doc", "wrong-password")
    assert web_login(client, "doc", TEST_PASSWORD, address="10.0.0.6").status_code == 302  # another address
    assert web_login(client, "doc2", TEST_PASSWORD).status_code == 302  # another username


def test_the_lock_is_released_after_the_window(client, doctor):
    for _ in range(5):
        web_login(client, "doc", "wrong-password")
    assert web_login(client, "doc", TEST_PASSWORD).status_code == 429
    end_the_lockout_window()
    assert web_login(client, "doc", TEST_PASSWORD).status_code == 302


def test_api_token_requests_count_towards_the_same_lock(client, doctor):
    for _ in range(3):
        web_login(client, "doc", "wrong-password")
    assert api_login("doc", "wrong-password").status_code == 400
    answer = api_login("doc", "wrong-password")
    assert answer.status_code == 429
    assert answer.json()["detail"].startswith("Too many failed log-ins")
    assert answer["Retry-After"] == str(15 * 60)
    assert api_login("doc", TEST_PASSWORD).status_code == 429
    assert web_login(client, "doc", TEST_PASSWORD).status_code == 429
    end_the_lockout_window()
    assert api_login("doc", TEST_PASSWORD).status_code == 201


def test_a_success_before_the_limit_starts_the_count_again(client, doctor):
    for _ in range(4):
        web_login(client, "doc", "wrong-password")
    assert web_login(client, "doc", TEST_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert web_login(client, "doc", "wrong-password").status_code == 200


def test_a_session_expires_after_30_idle_minutes(client, doctor, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    web_login(client, "doc", TEST_PASSWORD)
    assert client.get(reverse("opd:queue")).status_code == 200
    session = Session.objects.get()
    # Each request pushes the expiry 30 minutes on: the limit is idle time, not time since login.
    assert abs(session.expire_date - (timezone.now() + timedelta(minutes=30))) < timedelta(minutes=1)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    answer = client.get(reverse("opd:queue"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(LOGIN)


def test_a_session_in_use_is_saved_at_most_once_a_minute(client, doctor):
    web_login(client, "doc", TEST_PASSWORD)
    saved = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("opd:queue")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")]
    assert Session.objects.get().expire_date == saved

    # A minute after the last save, the next request pushes the idle limit on again.
    session = client.session
    session[SessionIdleRefreshMiddleware.KEY] -= SessionIdleRefreshMiddleware.REFRESH_SECONDS
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(reverse("opd:queue")).status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_an_anonymous_visit_gets_no_session_row(client):
    assert client.get(LOGIN).status_code == 200
    assert not Session.objects.exists()
