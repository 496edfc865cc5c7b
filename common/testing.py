"""Helpers for tests that race real threads against PostgreSQL row locks, in-process or over HTTP,
and for tests that serve the app with gunicorn as production does."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from django.db import connection

from common.exceptions import Conflict

REFUSED = "refused"
# The status of an HttpAnswer when no HTTP answer came at all (refused, reset, timed out).
NO_ANSWER = 0


def start_together(count: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Run attempt(0) … attempt(count - 1) in `count` threads released at once by one barrier.

    Returns what each returned, in the order of n. `attempt` must not raise: an error
    that escaped a thread would vanish with it instead of failing the test.
    """
    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(n: int) -> None:
        barrier.wait()
        outcomes[n] = attempt(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def run_concurrently(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Start `count` threads at one barrier, each calling work(n) in-process; return what each returned.

    A Conflict (the refusal the domain promises) is returned as REFUSED; any other
    error is returned as its repr, so it fails the caller's assertion instead of
    vanishing with its thread. Each thread closes its own database connection.
    """

    def attempt(n: int) -> Any:
        try:
            return work(n)
        except Conflict:
            return REFUSED
        except Exception as error:  # reported through the outcomes, asserted by the caller
            return repr(error)
        finally:
            connection.close()

    return start_together(count, attempt)


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: Any  # the parsed JSON, or the text when it is not JSON


def http_json(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str = "",
    body: Any = None,
    timeout: float = 30,
    headers: dict[str, str] | None = None,
    source_address: str = "",
):
    """One request on a fresh connection, as a separate client would send it; never raises.

    `source_address` sends it from that local address (any of 127.0.0.0/8 on Linux), so that
    a server sees distinct clients. A transport failure (refused, reset, timed out) is an
    HttpAnswer with status NO_ANSWER and the error's repr as body, so the caller's assertion reports it.
    """
    address = urlsplit(base_url)
    headers = {"Accept": "application/json", **(headers or {})}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    source = (source_address, 0) if source_address else None
    client = http.client.HTTPConnection(
        address.hostname or "127.0.0.1", address.port, timeout=timeout, source_address=source
    )
    try:
        client.request(method, path, body=payload, headers=headers)
        response = client.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as error:
        return HttpAnswer(NO_ANSWER, repr(error))
    finally:
        client.close()
    try:
        return HttpAnswer(response.status, json.loads(raw))
    except ValueError:
        return HttpAnswer(response.status, raw.decode(errors="replace"))


def fire_together(count: int, send: Callable[[int], HttpAnswer]) -> list[HttpAnswer]:
    """`count` clients send their request at the same moment (one barrier); their answers, in the order of n."""
    return start_together(count, send)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(database: dict) -> str:
    """DATABASE_URL for a PostgreSQL database described by Django's settings dict (the test database, say)."""
    user = quote(database["USER"], safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    host, port = quote(database.get("HOST") or "", safe=""), database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


def wait_until_ready(url: str, *, process: subprocess.Popen, log_path: Path, what: str, seconds: float = 30) -> None:
    """Polls /readyz until it answers 200; fails the test with the process's log if it dies or never does."""
    import pytest

    deadline = time.monotonic() + seconds
    while http_json(url, "GET", "/readyz", timeout=2).status != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} did not become ready:\n{log_path.read_text()}")
        time.sleep(0.2)


@contextmanager
def running(command: list[str], *, log_path: Path, env: dict | None = None, cwd: Path | None = None) -> Iterator:
    """A server process for the length of the block, its output in `log_path`; stopped (then killed) after."""
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 (our own server commands, fixed arguments)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def gunicorn(*, database_url: str, log_path: Path, env: dict | None = None, args: tuple[str, ...] = ()) -> Iterator:
    """gunicorn serving the app (test settings) from `database_url` on a free port; yields its URL once ready."""
    root = Path(__file__).resolve().parent.parent
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", *args]
    with running(command, log_path=log_path, env=environment | (env or {}), cwd=root) as process:
        wait_until_ready(url, process=process, log_path=log_path, what="gunicorn")
        yield url
