"""The lockout, the failed-token throttle and the audit log agree on who the client is (issue 14, points 5 and 6).

Without trusted proxies a client-written X-Forwarded-For changes nothing: a new one per
request escapes no throttle, and naming a victim's address throttles nobody but the sender.
Behind a trusted proxy, clients are told apart by the address the proxy appended.
(tests/test_reverse_proxy.py proves the same through a real nginx in front of gunicorn.)
"""

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from apps.accounts.tests.factories import TEST_PASSWORD
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
LOGIN = "/login/"
ATTACKER, VICTIM, PROXY = "203.0.113.66", "198.51.100.10", "10.0.0.2"


def api_login(username, password, *, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json", **headers)


def web_login(client, username, password, *, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


class TestWithoutTrustedProxies:
    def test_a_new_forwarded_for_on_every_failure_is_still_throttled(self):
        for n in range(10):
            assert api_login(f"guess{n}", "wrong", remote=ATTACKER, forwarded=f"192.0.2.{n}").status_code == 400
        assert api_login("guess", "wrong", remote=ATTACKER, forwarded="192.0.2.200").status_code == 429

    def test_failures_that_name_a_victims_address_do_not_throttle_the_victim(self, receptionist):
        for n in range(10):
            api_login(f"guess{n}", "wrong", remote=ATTACKER, forwarded=VICTIM)
        assert api_login("desk", TEST_PASSWORD, remote=VICTIM).status_code == 201

    def test_the_lockout_ignores_the_header(self, client, receptionist):
        for n in range(5):
            web_login(client, "desk", "wrong", remote=ATTACKER, forwarded=f"192.0.2.{n}")
        assert web_login(client, "desk", TEST_PASSWORD, remote=ATTACKER, forwarded="192.0.2.99").status_code == 429
        # ...and the victim whose address was named is not locked out.
        assert web_login(client, "desk", TEST_PASSWORD, remote=VICTIM).status_code == 302

    def test_lockout_throttle_and_audit_record_the_connections_address(self, client, receptionist):
        web_login(client, "desk", "wrong", remote=ATTACKER, forwarded=VICTIM)
        assert AccessAttempt.objects.get().ip_address == ATTACKER
        assert AuditEvent.objects.get(action="auth.login_failed").ip_address == ATTACKER


class TestBehindATrustedProxy:
    @pytest.fixture(autouse=True)
    def _trust_the_proxy(self, settings):
        settings.TRUSTED_PROXIES = [f"{PROXY}/32"]

    def test_two_clients_behind_the_proxy_are_locked_out_separately(self, client, receptionist):
        for _ in range(5):
            web_login(client, "desk", "wrong", remote=PROXY, forwarded=ATTACKER)
        assert web_login(client, "desk", TEST_PASSWORD, remote=PROXY, forwarded=ATTACKER).status_code == 429
        assert web_login(client, "desk", TEST_PASSWORD, remote=PROXY, forwarded=VICTIM).status_code == 302
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}

    def test_two_clients_behind_the_proxy_are_throttled_separately(self, receptionist):
        for n in range(10):
            api_login(f"guess{n}", "wrong", remote=PROXY, forwarded=ATTACKER)
        assert api_login("desk", TEST_PASSWORD, remote=PROXY, forwarded=ATTACKER).status_code == 429
        assert api_login("desk", TEST_PASSWORD, remote=PROXY, forwarded=VICTIM).status_code == 201

    def test_the_audit_records_each_clients_own_address(self, client, receptionist):
        web_login(client, "desk", "wrong", remote=PROXY, forwarded=f"192.0.2.1, {ATTACKER}")
        api_login("desk", TEST_PASSWORD, remote=PROXY, forwarded=VICTIM)
        addresses = dict(AuditEvent.objects.values_list("action", "ip_address"))
        assert addresses == {"auth.login_failed": ATTACKER, "auth.token_create": VICTIM}

    def test_a_client_that_bypasses_the_proxy_is_not_believed(self, client, receptionist):
        for n in range(5):
            web_login(client, "desk", "wrong", remote=ATTACKER, forwarded=f"192.0.2.{n}")
        assert web_login(client, "desk", TEST_PASSWORD, remote=ATTACKER, forwarded=VICTIM).status_code == 429
