"""Helpers for tests that race real threads against PostgreSQL row locks, in-process or over HTTP."""

import http.client
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

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


def http_json(base_url: str, method: str, path: str, *, token: str = "", body: Any = None, timeout: float = 30):
    """One request on a fresh connection, as a separate client would send it; never raises.

    A transport failure (refused, reset, timed out) is an HttpAnswer with status
    NO_ANSWER and the error's repr as body, so the caller's assertion reports it.
    """
    address = urlsplit(base_url)
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    client = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
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
