"""`make bench`: the clinic network at two sizes, on PostgreSQL, served by gunicorn; prints one table per size.

    python -m bench [--sizes small,large] [--regenerate] [--seconds 60] [--iterations 200] [--only-alone]

For each size: generate the data (bench.datagen; a database made today is reused unless
--regenerate), count SQL queries per key request (bench.querycount), then start gunicorn
with 2 workers and measure from a separate process (bench.loadgen): latency per key
request, each key request's throughput alone as a share of the floor (a trivial view)
measured in the same run, the mixed OPD workload, and the same workload against two
gunicorn instances on two ports. Results also go to bench/results/.
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432);
uses Redis at REDIS_URL (default redis://127.0.0.1:6379/9) as production would, when it answers.
"""

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
GUNICORN_WORKERS = 2
THREADS = int(os.environ.get("BENCH_THREADS", "1"))  # per worker; 1: gunicorn's sync worker
PORTS = (8101, 8102)
DISPLAYS = 50  # waiting-room screens open at once (issue 17)
DISPLAY_SHOWN_MS = 2000  # SPEC §11: a call is on the screens within 2 s
READ_P95_MS, WRITE_P95_MS, MAX_QUERIES, FLOOR_SHARE, SCALE, RSS_MB = 50, 100, 12, 0.5, 1.6, 150
ALONE_SHARE = 0.25  # each key request alone, as a share of the floor (issue 13 §9)
DATABASE_PREFIX = os.environ.get("BENCH_DB_PREFIX", "clinicsetu_bench")  # CI: a name of its own


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
        return True
    except OSError:
        return False


def _environment(database_url: str, redis_url: str | None) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": redis_url or "",
    }
    return env


def _run(module: str, *args: str, env: dict) -> dict:
    done = subprocess.run([PYTHON, "-m", module, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{module} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _psql(base: str, sql: str) -> str:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        cursor = connection.execute(sql)
        row = cursor.fetchone() if cursor.description else None
        return row[0] if row else ""


def ensure_data(size: str, base: str, env: dict, regenerate: bool) -> dict:
    """A database of `size` generated today (the live day is today's), made afresh when not."""
    name = f"{DATABASE_PREFIX}_{size}"
    mark = f"clinicsetu bench {size} {datetime.now(UTC):%Y-%m-%d}"
    current = _psql(
        base,
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'",
    )
    if current == mark and not regenerate:
        log(f"{size}: reusing {name}, generated today; applying any new migrations")
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        return {"reused": True}
    log(f"{size}: generating {name} (bench.datagen)")
    _psql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _psql(base, f"CREATE DATABASE {name}")
    result = _run("bench.datagen", size, env=env)
    _psql(base, f"COMMENT ON DATABASE {name} IS '{mark}'")
    log(f"{size}: {result['total_rows']:,} rows in {result['total_seconds']} s")
    return result


class Server:
    """gunicorn (2 workers unless told) on one port: started, waited for, stopped with its workers' peak RSS."""

    def __init__(self, port: int, env: dict, log_file: Path, workers: int = GUNICORN_WORKERS):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers), "--threads", str(THREADS),
             "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning",
             "--error-logfile", str(log_file)],
            env=env, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/login/", timeout=5) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn on port {port} did not start; see {log_file}") from None
                time.sleep(0.2)

    def workers(self) -> list[int]:
        children = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid):
                children.append(int(status.parent.name))
        return children

    def peak_rss_mb(self) -> float:
        """The largest VmHWM (peak resident set) of this server's workers."""
        peaks = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1) if peaks else 0.0

    def stop(self) -> float:
        rss = self.peak_rss_mb()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        return rss


def _loadgen(mode: str, *args: str, env: dict) -> dict:
    return _run("bench.loadgen", mode, *args, env=env)


def measure(size: str, base: str, redis_url: str | None, args) -> dict:
    env = _environment(f"{base}/{DATABASE_PREFIX}_{size}", redis_url)
    data = ensure_data(size, base, env, args.regenerate)
    RESULTS.mkdir(exist_ok=True)
    plan_file = RESULTS / f"plan-{size}.json"

    def fresh_plan(workers: int) -> str:
        """Each phase gets patients with no valid visit yet (earlier phases used some), and as many
        workers as it runs: the pharmacy's records are shared out among exactly those."""
        plan_file.write_text(json.dumps(_run("bench.plan", "--workers", str(workers), env=env)))
        return str(plan_file)

    log(f"{size}: counting queries (bench.querycount)")
    queries = _run("bench.querycount", fresh_plan(1), env=env)
    server = Server(PORTS[0], env, RESULTS / f"gunicorn-{size}.log")
    try:
        log(f"{size}: each key request alone, {args.alone_clients} clients, {args.seconds:.0f} s each, "
            "between two floors")  # fmt: skip
        alone = _loadgen("alone", "--plan", fresh_plan(1), "--url", server.url, "--workers", str(args.alone_clients),
                         "--seconds", str(args.seconds), env=env)  # fmt: skip
        if args.only_alone:
            return {"size": size, "data": data, "queries": queries, "alone": alone}
        log(f"{size}: latency, {args.iterations} requests per key request, one at a time")
        latency = _loadgen("latency", "--plan", fresh_plan(1), "--url", server.url,
                           "--iterations", str(args.iterations), env=env)  # fmt: skip
        log(f"{size}: floor, {args.seconds:.0f} s")
        floor = _loadgen("floor", "--url", server.url, "--workers", str(args.workers),
                         "--seconds", str(args.seconds), env=env)  # fmt: skip
        log(f"{size}: {DISPLAYS} waiting-room displays polling while the doctor calls, {args.seconds:.0f} s")
        screens = _loadgen("displays", "--plan", fresh_plan(1), "--url", server.url,
                           "--workers", str(DISPLAYS), "--seconds", str(args.seconds), env=env)  # fmt: skip
        log(f"{size}: mixed workload, one instance, {args.seconds:.0f} s")
        one = _loadgen("mixed", "--plan", fresh_plan(args.workers), "--url", server.url,
                       "--workers", str(args.workers), "--seconds", str(args.seconds), env=env)  # fmt: skip
    finally:
        rss_one = server.stop()
        if args.only_alone:
            log(f"{size}: peak worker RSS {rss_one} MB")
    servers = [Server(port, env, RESULTS / f"gunicorn-{size}-{port}.log") for port in PORTS]
    try:
        log(f"{size}: mixed workload, two instances, {args.seconds:.0f} s")
        urls = [arg for s in servers for arg in ("--url", s.url)]
        two = _loadgen("mixed", "--plan", fresh_plan(2 * args.workers), *urls,
                       "--workers", str(2 * args.workers), "--seconds", str(args.seconds), env=env)  # fmt: skip
    finally:
        rss_two = max(s.stop() for s in servers)
    # The same comparison with one worker per instance: whether a second process adds throughput
    # when there is a core for it (with 2 workers per instance, one instance already uses both).
    scaling = {}
    for instances in (1, 2):
        servers = [Server(port, env, RESULTS / f"gunicorn-{size}-{port}.log", workers=1) for port in PORTS[:instances]]
        try:
            log(f"{size}: mixed workload, {instances} instance(s) of 1 worker, {args.seconds:.0f} s")
            urls = [arg for s in servers for arg in ("--url", s.url)]
            clients = instances * args.workers // 2
            scaling[instances] = _loadgen("mixed", "--plan", fresh_plan(clients), *urls,
                                          "--workers", str(clients),
                                          "--seconds", str(args.seconds), env=env)  # fmt: skip
        finally:
            for s in servers:
                s.stop()
    return {"size": size, "data": data, "queries": queries, "alone": alone, "latency": latency, "floor": floor,
            "mixed_one": one, "mixed_two": two, "displays": screens, "single_worker": scaling,
            "peak_worker_rss_mb": max(rss_one, rss_two)}  # fmt: skip


def _mark(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def alone_table(r: dict) -> list[str]:
    """Each key request's throughput by itself as a share of the floor of the same run."""
    alone = r["alone"]
    floor = (alone["floor_before"] + alone["floor_after"]) / 2
    lines = [
        f"Each key request alone ({alone['workers']} clients; floor {alone['floor_before']} requests/s before, "
        f"{alone['floor_after']} after, mean {floor:.1f}):",
        "",
        "| request | kind | SQL queries | requests/s | p50 ms | share of the floor | target | met |",
        "|---|---|--:|--:|--:|--:|--:|:-:|",
    ]
    for name, run in alone["requests"].items():
        share = run["requests_per_second"] / floor if floor else 0.0
        queries = r["queries"].get(name, {}).get("queries", "-")
        errors = f" ({run['errors']} errors)" if run["errors"] else ""
        lines.append(
            f"| {name}{errors} | {run['kind']} | {queries} | {run['requests_per_second']} | {run.get('p50_ms', '-')} | "
            f"{share:.0%} | ≥ {ALONE_SHARE:.0%} | {_mark(share >= ALONE_SHARE and not run['errors'])} |"
        )
    return [*lines, ""]


def _display_rows(screens: dict) -> list[str]:
    """50 open displays: what their polls cost, and how soon a call reaches them (SPEC §11: within 2 s)."""
    rows = [
        "",
        f"| {screens['screens']} displays, one poll a second each, a call every 2 s ({screens['seconds']} s) "
        "| polls | p50 ms | p95 ms | |",
        "|---|--:|--:|--:|---|",
    ]
    for label, timing in screens["by_request"].items():
        rows.append(f"| display poll, {label} | {timing['count']} | {timing.get('p50_ms', '-')} | "
                    f"{timing.get('p95_ms', '-')} | |")  # fmt: skip
    shown = screens.get("shown_after_call") or {}
    met = bool(shown) and shown.get("p95_ms", 1e9) <= DISPLAY_SHOWN_MS and not screens["errors"]
    rows.append(f"| a call shown on the screens after ({screens['calls']} calls) | | {shown.get('p50_ms', '-')} | "
                f"{shown.get('p95_ms', '-')} | target p95 ≤ {DISPLAY_SHOWN_MS} ms: {_mark(met)} |")  # fmt: skip
    rows.append(f"| requests/s served to the displays | {screens['requests_per_second']} | | | "
                f"errors: {screens['errors']} |")  # fmt: skip
    return rows


def report(results: list[dict]) -> str:
    lines = []
    counts = {r["size"]: {name: q["queries"] for name, q in r["queries"].items()} for r in results}
    for r in results:
        size = r["size"]
        lines += [f"### {size}", "", *alone_table(r)]
        if "latency" not in r:  # --only-alone
            continue
        lines += [
            "| request | kind | SQL queries | p50 ms | p95 ms | target p95 | met |",
            "|---|---|--:|--:|--:|--:|:-:|",
        ]
        for name, timing in r["latency"].items():
            query_count = counts[size][name]
            same = all(counts[other][name] == query_count for other in counts)
            target = READ_P95_MS if timing["kind"] == "read" else WRITE_P95_MS
            met = timing.get("p95_ms", 1e9) <= target and query_count <= MAX_QUERIES and same and not timing["errors"]
            errors = f" ({timing['errors']} errors)" if timing["errors"] else ""
            lines.append(
                f"| {name}{errors} | {timing['kind']} | {query_count}{'' if same else ' (differs)'} | "
                f"{timing.get('p50_ms', '-')} | {timing.get('p95_ms', '-')} | {target} | {_mark(met)} |"
            )
        floor, one, two = r["floor"], r["mixed_one"], r["mixed_two"]
        single, double = r["single_worker"][1], r["single_worker"][2]
        share = one["requests_per_second"] / floor["requests_per_second"]
        scale = two["requests_per_second"] / one["requests_per_second"]
        lines += [
            "",
            "| throughput | requests/s | patients/s | errors | |",
            "|---|--:|--:|--:|---|",
            f"| floor: trivial view, one indexed query ({floor['workers']} clients) | "
            f"{floor['requests_per_second']} | | {floor['errors']} | |",
            f"| mixed OPD workload, 1 instance ({one['workers']} clients, {one['seconds']} s) | "
            f"{one['requests_per_second']} | {one['flows'] / one['seconds']:.1f} | {one['errors']} | "
            f"{share:.0%} of the floor (target ≥ {FLOOR_SHARE:.0%}): "
            f"{_mark(share >= FLOOR_SHARE and not one['errors'])} |",
            f"| mixed OPD workload, 2 instances ({two['workers']} clients, {two['seconds']} s) | "
            f"{two['requests_per_second']} | {two['flows'] / two['seconds']:.1f} | {two['errors']} | "
            f"{scale:.2f}× one instance (target ≥ {SCALE}×): {_mark(scale >= SCALE and not two['errors'])} |",
            f"| mixed, 1 instance of 1 worker ({single['workers']} clients) | {single['requests_per_second']} | "
            f"{single['flows'] / single['seconds']:.1f} | {single['errors']} | |",
            f"| mixed, 2 instances of 1 worker ({double['workers']} clients) | {double['requests_per_second']} | "
            f"{double['flows'] / double['seconds']:.1f} | {double['errors']} | "
            f"{double['requests_per_second'] / single['requests_per_second']:.2f}× one instance of 1 worker |",
            "",
            *_display_rows(r["displays"]),
            "",
            f"Peak worker RSS: {r['peak_worker_rss_mb']} MB (target ≤ {RSS_MB} MB): "
            f"{_mark(r['peak_worker_rss_mb'] <= RSS_MB)}.",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--regenerate", action="store_true", help="make the data afresh even if made today")
    parser.add_argument("--seconds", type=float, default=60, help="length of each throughput run")
    parser.add_argument("--iterations", type=int, default=200, help="requests per key request for latency")
    parser.add_argument("--workers", type=int, default=8, help="load generator clients per app instance")
    parser.add_argument("--alone-clients", type=int, default=4, help="clients for each key request alone")
    parser.add_argument("--only-alone", action="store_true", help="only the key requests alone (a quick look)")
    parser.add_argument(
        "--fail-on-errors", action="store_true", help="exit 1 if any request was answered otherwise than expected (CI)"
    )
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    if not _reachable(base):
        sys.exit(f"make bench needs PostgreSQL at {base} (set BENCH_DATABASE_URL).")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")
    redis_url = redis_url if _reachable(redis_url) else None
    log(f"cache: {'Redis at ' + redis_url if redis_url else 'the database (no Redis answered)'}")
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env=_environment(f"{base}/postgres", redis_url))  # fmt: skip
    started = datetime.now(UTC)
    results = [measure(size, base, redis_url, args) for size in args.sizes.split(",")]
    header = (
        f"ClinicSetu benchmarks, {started:%Y-%m-%d %H:%M} UTC, {platform.node()}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, PostgreSQL at {base}, cache: {'Redis' if redis_url else 'database'}, "
        f"gunicorn {GUNICORN_WORKERS} sync workers per instance.\n"
    )
    table = header + "\n" + report(results)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1))
    (RESULTS / "latest.md").write_text(table)
    print(table)
    if args.fail_on_errors and (errors := _errors(results)):
        sys.exit("Requests answered otherwise than expected:\n  " + "\n  ".join(errors[:20]))


def _errors(results: list[dict]) -> list[str]:
    """Every unexpected answer of every phase, as the load generator sampled it. Never a time: CI asserts none."""
    found = []
    for r in results:
        runs = [("alone " + name, run) for name, run in r["alone"]["requests"].items()]
        runs += [("latency " + name, run) for name, run in r.get("latency", {}).items()]
        runs += [(phase, r[phase]) for phase in ("floor", "mixed_one", "mixed_two") if phase in r]
        runs += [(f"single worker x{n}", run) for n, run in r.get("single_worker", {}).items()]
        for label, run in runs:
            if run["errors"]:
                found.append(f"{r['size']}, {label}: {run['errors']} errors, e.g. {run['error_samples'][:1]}")
        if r["alone"]["floor_errors"]:
            found.append(f"{r['size']}, alone floor: {r['alone']['floor_errors']} errors")
    return found


if __name__ == "__main__":
    main()
