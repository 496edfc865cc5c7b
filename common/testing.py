"""Helpers for tests that race real threads against PostgreSQL row locks."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from common.exceptions import Conflict

REFUSED = "refused"


def run_concurrently(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Start `count` threads at one barrier, each calling work(n); return what each returned.

    A Conflict (the refusal the domain promises) is returned as REFUSED; any other
    error is returned as its repr, so it fails the caller's assertion instead of
    vanishing with its thread. Each thread closes its own database connection.
    """
    barrier = threading.Barrier(count)
    outcomes: list[Any] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            outcomes.append(work(n))
        except Conflict:
            outcomes.append(REFUSED)
        except Exception as error:  # reported through the outcomes, asserted by the caller
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
