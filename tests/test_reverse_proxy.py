"""Behind a real reverse proxy: Debian's nginx in front of gunicorn, both started here (issue 14, point 6).

The documented set-up (TRUSTED_PROXIES = the proxy's address, the proxy appending the client's
address to X-Forwarded-For) must tell clients apart: two clients behind the proxy, sending
from different addresses, are locked out separately and audited with their own address, even
when one names the other's address in its own X-Forwarded-For; and a client that reaches
gunicorn without the proxy is not believed whatever header it sends. Everything is observed
from outside, over HTTP, so the test runs the same on SQLite and PostgreSQL.
"""

import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from apps.accounts.services import issue_api_token
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from common.constants import Role
from common.testing import database_url, free_port, gunicorn, http_json, running, wait_until_ready

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")  # sbin: not on a user's PATH
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="needs nginx (Debian: apt-get install -y nginx; .ci/run installs it)"
)
PROXY_ADDRESS = "127.0.0.1"  # nginx connects to gunicorn from here
CLIENT_A, CLIENT_B, DIRECT_CLIENT = "127.0.0.2", "127.0.0.3", "127.0.0.4"
TOKEN = "/api/v1/auth/token/"
NGINX_CONF = """
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {run}/access.log;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $host;
            # As docs/operations.md says: the client's address appended to whatever the client sent.
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


def serve_this_tests_database(tmp_path: Path) -> str:
    """A DATABASE_URL another process can open with this test's committed rows: the test database on
    PostgreSQL; on SQLite (in memory, so invisible to gunicorn) a file copied from it."""
    if connection.vendor == "postgresql":
        return database_url(connection.settings_dict)
    copy = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return f"sqlite:///{copy}"


@pytest.fixture
def world(transactional_db):
    hospital = HospitalFactory()
    UserFactory(role=Role.RECEPTIONIST, hospital=hospital, username="desk")
    root = UserFactory(role=Role.SUPER_ADMIN, hospital=None, username="root")
    return {"root_token": issue_api_token(user=root)[1]}


@pytest.fixture
def servers(world, tmp_path):
    """gunicorn trusting only the proxy, and nginx in front of it; their URLs."""
    app_log = tmp_path / "gunicorn.log"
    env = {"TRUSTED_PROXIES": PROXY_ADDRESS}
    with gunicorn(database_url=serve_this_tests_database(tmp_path), log_path=app_log, env=env) as app_url:
        run = tmp_path / "nginx"
        run.mkdir()
        run.chmod(0o777)  # nginx's workers drop root for www-data and write their temporary files here
        port = free_port()
        conf = run / "nginx.conf"
        conf.write_text(NGINX_CONF.format(run=run, port=port, app_port=app_url.rsplit(":", 1)[1]))
        command = [NGINX, "-g", "daemon off;", "-e", str(run / "error.log"), "-p", str(run), "-c", str(conf)]
        proxy_log = run / "stdout.log"
        with running(command, log_path=proxy_log) as proxy:
            proxy_url = f"http://127.0.0.1:{port}"
            wait_until_ready(proxy_url, process=proxy, log_path=proxy_log, what="nginx")
            yield {"proxy": proxy_url, "app": app_url, "root_token": world["root_token"]}


def log_in(url, password, *, source, forwarded=""):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    body = {"username": "desk", "password": password}
    return http_json(url, "POST", TOKEN, body=body, headers=headers, source_address=source).status


def audited_addresses(servers, action) -> list[str]:
    answer = http_json(servers["app"], "GET", f"/api/v1/audit/?action={action}", token=servers["root_token"])
    assert answer.status == 200, answer.body
    return sorted((event["ip_address"] for event in answer.body["results"]), key=str)


def test_clients_behind_the_proxy_are_locked_out_and_audited_each_under_its_own_address(servers):
    proxy = servers["proxy"]
    # Client A fails five times through the proxy, naming client B's address in its own header.
    failures = [log_in(proxy, "wrong-password", source=CLIENT_A, forwarded=CLIENT_B) for _ in range(5)]
    assert failures == [400] * 4 + [429]  # the fifth failure locks
    assert log_in(proxy, TEST_PASSWORD, source=CLIENT_A) == 429
    # Client B, behind the same proxy, is not locked out by A's failures.
    assert log_in(proxy, TEST_PASSWORD, source=CLIENT_B) == 201
    assert audited_addresses(servers, "auth.login_failed") == [CLIENT_A] * 6  # five failures, one refused
    assert audited_addresses(servers, "auth.lockout") == [CLIENT_A]
    assert audited_addresses(servers, "auth.token_create").count(CLIENT_B) == 1


def test_a_client_that_bypasses_the_proxy_is_not_believed(servers):
    app = servers["app"]
    failures = [log_in(app, "wrong-password", source=DIRECT_CLIENT, forwarded=CLIENT_B) for _ in range(5)]
    assert failures == [400] * 4 + [429]
    assert log_in(app, TEST_PASSWORD, source=DIRECT_CLIENT, forwarded=CLIENT_B) == 429
    assert log_in(servers["proxy"], TEST_PASSWORD, source=CLIENT_B) == 201
    assert audited_addresses(servers, "auth.login_failed") == [DIRECT_CLIENT] * 6
