"""Where one key request spends its time: cProfile over repeated requests in-process, and its SQL.

    python -m bench.profile plan.json "API visit list" [--repeat 200] [--top 40]

Uses bench.querycount's client (Django's test client, a logged-in session or a bearer token
per user) against the benchmarks' database; run it with bench's environment (config.settings.bench,
DATABASE_URL of a generated database). Prints the slowest functions by cumulative time, then
each SQL statement of the last request with its time.
"""

import argparse
import cProfile
import json
import os
import pstats
import time
from pathlib import Path

import django


def _backend_cpu(connection) -> float:
    """Seconds of CPU the PostgreSQL backend serving this connection has used (read from /proc: same host)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("name")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--top", type=int, default=40, help="0: the CPU figures only, no profile")
    parser.add_argument("--sort", default="cumulative", help="or tottime")
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.querycount import DjangoClient
    from bench.scenarios import KEY_REQUESTS, SCENARIOS

    with open(args.plan) as plan_file:
        plan = json.load(plan_file)
    from bench.scenarios import Request, Scenario, _fixed

    floor = Scenario("floor", "read", _fixed(lambda plan: Request("GET", "/bench/floor/", None, api=True)))
    scenario = next(s for s in [*KEY_REQUESTS, *SCENARIOS, floor] if s.name == args.name)
    client = DjangoClient(plan)
    requests = scenario.requests(plan, client)
    for _ in range(5):
        client.send(next(requests))
    cpu, database = time.process_time(), _backend_cpu(connection)
    for _ in range(args.repeat):
        client.send(next(requests))
    # CPU time, not the wall clock: steadier on a shared machine. PostgreSQL's is its backend's (same host).
    django_ms = (time.process_time() - cpu) / args.repeat * 1000
    database_ms = (_backend_cpu(connection) - database) / args.repeat * 1000
    print(f"{django_ms:.2f} ms of CPU per request in Django, {database_ms:.2f} ms in PostgreSQL (unprofiled)")
    if not args.top:
        return
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        client.send(next(requests))
    profile.disable()
    print(f"{(time.perf_counter() - started) / args.repeat * 1000:.2f} ms per request (profiled)")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    with CaptureQueriesContext(connection) as queries:
        status, _ = client.send(next(requests))
    print(f"status {status}, {len(queries)} queries")
    for query in queries.captured_queries:
        print(f"{query['time']}s  {query['sql'][:600]}")


if __name__ == "__main__":
    main()
