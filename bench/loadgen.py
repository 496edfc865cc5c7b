"""The load generator: a process of its own that sends the benchmarks' requests over loopback HTTP.

    python -m bench.loadgen latency --plan plan.json --url http://127.0.0.1:8101 --iterations 200
    python -m bench.loadgen mixed   --plan plan.json --url http://127.0.0.1:8101 [--url …] --workers 8 --seconds 60
    python -m bench.loadgen floor   --url http://127.0.0.1:8101 --workers 8 --seconds 60
    python -m bench.loadgen alone   --plan plan.json --url http://127.0.0.1:8101 --workers 4 --seconds 10
    python -m bench.loadgen displays --plan plan.json --url http://127.0.0.1:8101 --workers 50 --seconds 60

Standard library only (no Django), so it measures the server, not itself. Prints JSON.
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.scenarios import KEY_REQUESTS, SCENARIOS, Request, Worker

WARMUP = 5


class Credentials:
    """Each user's bearer token and web session, made once before the clock starts, shared by every thread."""

    def __init__(self, plan: dict, url: str):
        self.plan = plan
        self.url = url
        self.tokens: dict[str, str] = {}
        self.cookies: dict[str, dict[str, str]] = {}
        self.lock = threading.Lock()

    def token(self, username: str) -> str:
        with self.lock:
            if username not in self.tokens:
                body = {"username": username, "password": self.plan["password"]}
                status, answer, _ = _send(self.url, "POST", "/api/v1/auth/token/", json.dumps(body).encode(), {
                    "Content-Type": "application/json"})  # fmt: skip
                if status != 201:
                    raise RuntimeError(f"Logging in {username} for a token gave {status}.")
                self.tokens[username] = json.loads(answer)["token"]
            return self.tokens[username]

    def session(self, username: str) -> dict[str, str]:
        with self.lock:
            if username not in self.cookies:
                _, _, cookies = _send(self.url, "GET", "/login/", None, {})
                form = {"username": username, "password": self.plan["password"]}
                status, _, cookies = _web_post(self.url, "/login/", form, cookies)
                if status != 302 or "sessionid" not in cookies:
                    raise RuntimeError(f"Logging in {username} on the web gave {status}.")
                self.cookies[username] = cookies
            return self.cookies[username]


def _send(url: str, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes, dict]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        data = response.read()
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return response.status, data, cookies
    finally:
        connection.close()


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _web_post(url: str, path: str, form: dict, cookies: dict[str, str]) -> tuple[int, bytes, dict]:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": _cookie_header(cookies),
        "X-CSRFToken": cookies.get("csrftoken", ""),
    }
    status, data, new = _send(url, "POST", path, urlencode(form).encode(), headers)
    return status, data, {**cookies, **new}


class HttpClient:
    """bench.scenarios.Client over HTTP; an anonymous visitor keeps its own cookies (but never a session)."""

    def __init__(self, url: str, credentials: Credentials):
        self.url = url
        self.credentials = credentials
        self.anonymous: dict[str, str] = {}

    def send(self, request: Request):
        if request.api:
            headers = {"Content-Type": "application/json", "Accept": "application/json"}
            if request.user:
                headers["Authorization"] = f"Bearer {self.credentials.token(request.user)}"
            headers |= request.headers or {}
            body = json.dumps(request.body).encode() if request.body is not None else None
            status, data, _ = _send(self.url, request.method, request.path, body, headers)
            try:
                return status, json.loads(data) if data else None
            except ValueError:
                return status, data.decode(errors="replace")
        cookies = self.credentials.session(request.user) if request.user else self.anonymous
        if request.method == "GET":
            status, data, new = _send(self.url, "GET", request.path, None, {"Cookie": _cookie_header(cookies)})
        else:
            status, data, new = _web_post(self.url, request.path, request.body or {}, cookies)
        if request.user is None:
            new.pop("sessionid", None)
            self.anonymous.update(new)
        return status, data.decode(errors="replace")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _summary(milliseconds: list[float]) -> dict:
    if not milliseconds:
        return {"count": 0}
    return {
        "count": len(milliseconds),
        "p50_ms": round(statistics.median(milliseconds), 1),
        "p95_ms": round(_percentile(milliseconds, 0.95), 1),
        "max_ms": round(max(milliseconds), 1),
    }


def latency(plan: dict, url: str, iterations: int) -> dict:
    """Each key request `iterations` times, one at a time: the service time, not queueing."""
    credentials = Credentials(plan, url)
    client = HttpClient(url, credentials)
    results = {}
    for scenario in SCENARIOS:
        requests = scenario.requests(plan, client)
        timings, errors = [], []
        for n in range(WARMUP + iterations):
            request = next(requests)
            if request.user:  # log in outside the clock
                credentials.token(request.user) if request.api else credentials.session(request.user)
            started = time.perf_counter()
            status, body = client.send(request)
            elapsed = (time.perf_counter() - started) * 1000
            if status not in request.expect:
                errors.append(f"{request.method} {request.path}: {status} {str(body)[:200]}")
            elif n >= WARMUP:
                timings.append(elapsed)
        results[scenario.name] = {"kind": scenario.kind, **_summary(timings), "errors": len(errors),
                                  "error_samples": errors[:3]}  # fmt: skip
    return results


def _run_for(seconds: float, workers: int, work) -> dict:
    """`workers` threads call work(index, deadline, tally) until the deadline; returns the tallies merged."""
    tallies = [{"requests": {}, "timings": {}, "errors": [], "flows": 0} for _ in range(workers)]
    barrier = threading.Barrier(workers + 1)
    deadline = [0.0]

    def run(index: int) -> None:
        barrier.wait()
        work(index, deadline[0], tallies[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    deadline[0] = started + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    merged: dict = {"requests": {}, "timings": {}, "errors": [], "flows": 0}
    for tally in tallies:
        merged["flows"] += tally["flows"]
        merged["errors"] += tally["errors"]
        for label, count in tally["requests"].items():
            merged["requests"][label] = merged["requests"].get(label, 0) + count
            merged["timings"].setdefault(label, []).extend(tally["timings"][label])
    total = sum(merged["requests"].values())
    return {
        "seconds": round(elapsed, 1),
        "workers": workers,
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "flows": merged["flows"],
        "errors": len(merged["errors"]),
        "error_samples": merged["errors"][:5],
        "by_request": {
            label: {"count": merged["requests"][label], **_summary(timings)}
            for label, timings in sorted(merged["timings"].items())
        },
    }


def _timed(client: HttpClient, request: Request, label: str, tally: dict):
    started = time.perf_counter()
    try:
        status, body = client.send(request)
    except OSError as error:
        status, body = 0, repr(error)
    tally["requests"][label] = tally["requests"].get(label, 0) + 1
    tally["timings"].setdefault(label, []).append((time.perf_counter() - started) * 1000)
    if status not in request.expect:
        tally["errors"].append(f"{label}: {request.method} {request.path}: {status} {str(body)[:200]}")
        return None
    return status, body


def mixed(plan: dict, urls: list[str], workers: int, seconds: float) -> dict:
    """The OPD day at full speed: each worker serves its patients start to end, as in bench.scenarios.Worker."""
    specs = plan["workers"][:workers]
    if len(specs) < workers:
        raise SystemExit(f"The plan has {len(specs)} workers; build it with --workers {workers}.")
    credentials = {url: Credentials(plan, url) for url in urls}
    for spec in specs:  # every log-in before the clock starts
        for role in ("desk", "doctor", "pharmacy"):
            for url in urls:
                credentials[url].token(spec["hospital"][role])

    def work(index: int, deadline: float, tally: dict) -> None:
        url = urls[index % len(urls)]
        client = HttpClient(url, credentials[url])
        spec = specs[index]
        worker = Worker(spec["hospital"], spec["patients"], tuple(spec["share"]))
        while time.monotonic() < deadline:
            flow = worker.flow()
            label = "start"
            try:
                label, request = next(flow)
                while (answer := _timed(client, request, label, tally)) is not None:
                    label, request = flow.send(answer)
                # An error is counted by _timed; the next patient starts.
            except StopIteration:
                tally["flows"] += 1
            except (KeyError, TypeError, IndexError) as error:  # an answer the flow could not read
                tally["errors"].append(f"after {label}: {error!r}")

    return _run_for(seconds, workers, work)


def floor(urls: list[str], workers: int, seconds: float) -> dict:
    """The trivial view: the most requests per second this server can answer through Django."""
    request = Request("GET", "/bench/floor/", None, api=True)

    def work(index: int, deadline: float, tally: dict) -> None:
        client = HttpClient(urls[index % len(urls)], Credentials({}, urls[0]))
        while time.monotonic() < deadline:
            _timed(client, request, "floor", tally)

    return _run_for(seconds, workers, work)


def _slice(plan: dict, index: int, of: int) -> dict:
    """The plan as client `index` of `of` sees it: its own share of the patients and sessions that writes use up."""
    return {
        **plan,
        "new_visit_patients": {kind: ids[index::of] for kind, ids in plan["new_visit_patients"].items()},
        "add_item_sessions": {kind: ids[index::of] for kind, ids in plan["add_item_sessions"].items()},
    }


def alone(plan: dict, url: str, workers: int, seconds: float) -> dict:
    """Each key request by itself, from `workers` clients for `seconds`, between two runs of the floor.

    The share of the floor (requests/s of the request over the mean of the two floors) is what
    bench reports: both sides are measured minutes apart on the same busy machine, so the
    ratio holds where the absolute figures drift with whatever else the two cores run.
    """
    credentials = Credentials(plan, url)
    for role in ("desk", "doctor", "pharmacy", "admin"):  # every log-in before any clock starts
        credentials.token(plan["users"][role])
    credentials.session(plan["users"]["doctor"])
    before = floor([url], workers, seconds)
    results = {}
    for scenario in KEY_REQUESTS:
        streams = []
        for index in range(workers):
            client = HttpClient(url, credentials)
            requests = scenario.requests(_slice(plan, index, workers), client)
            for _ in range(WARMUP):  # outside the clock: fills each worker process's caches
                request = next(requests)
                client.send(request)
            streams.append((client, requests))

        def work(index: int, deadline: float, tally: dict, streams=streams, name=scenario.name) -> None:
            client, requests = streams[index]
            while time.monotonic() < deadline:
                _timed(client, next(requests), name, tally)

        run = _run_for(seconds, workers, work)
        results[scenario.name] = {"kind": scenario.kind, **{k: run[k] for k in (
            "seconds", "workers", "requests", "requests_per_second", "errors", "error_samples")},
            **run["by_request"].get(scenario.name, {})}  # fmt: skip
    after = floor([url], workers, seconds)
    return {"floor_before": before["requests_per_second"], "floor_after": after["requests_per_second"],
            "floor_errors": before["errors"] + after["errors"], "workers": workers, "requests": results}  # fmt: skip


DISPLAY_POLL_S = 1.0  # as static/js/display.js polls
CALL_EVERY_S = 2.0


def displays(plan: dict, url: str, screens: int, seconds: float) -> dict:
    """`screens` waiting-room displays poll as the browser does (once a second, with their ETag) while the
    doctor calls (or recalls) a token every CALL_EVERY_S: 304s and 200s counted and timed, and how long
    after each call the screens showed it (the SPEC asks for 2 s)."""
    path = f"/display/{plan['display_key']}/state/"
    doctor = plan["users"]["doctor"]
    credentials = Credentials(plan, url)
    token = credentials.token(doctor)
    calls: list[tuple[float, str]] = []  # (when the call was answered, the board's last_call after it)
    seen: dict[str, list[float]] = {}  # last_call -> when each screen first showed it
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    called = [None]

    def call() -> None:
        status, data, _ = _send(url, "POST", "/api/v1/queue/call-next/", b"", headers)
        if status == 200:
            called[0] = json.loads(data)["session"]["id"]
        elif called[0] is not None:
            status, data, _ = _send(url, "POST", f"/api/v1/sessions/{called[0]}/recall/", b"", headers)
        if status == 200:
            answered = time.monotonic()  # the call is committed: from here the screens may show it
            _, board, _ = _send(url, "GET", path, None, {})
            with lock:
                calls.append((answered, json.loads(board)["last_call"]))

    def work(index: int, deadline: float, tally: dict) -> None:
        if index == screens:  # the doctor
            while time.monotonic() < deadline:
                call()
                time.sleep(CALL_EVERY_S)
            return
        etag = None
        time.sleep(DISPLAY_POLL_S * index / screens)  # screens switched on at different moments
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, data, _ = _send(url, "GET", path, None, {"If-None-Match": etag} if etag else {})
            except OSError as error:
                status, data = 0, repr(error).encode()
            label = {304: "304 unchanged", 200: "200 changed"}.get(status, f"{status} error")
            tally["requests"][label] = tally["requests"].get(label, 0) + 1
            tally["timings"].setdefault(label, []).append((time.perf_counter() - started) * 1000)
            if status == 200:
                board = json.loads(data)
                etag = f'"{board["version"]}"'
                with lock:
                    seen.setdefault(board["last_call"], []).append(time.monotonic())
            elif status != 304:
                tally["errors"].append(f"{status} {data[:200]!r}")
            time.sleep(max(0.0, DISPLAY_POLL_S - (time.perf_counter() - started)))

    result = _run_for(seconds, screens + 1, work)
    delays = [(moment - answered) * 1000 for answered, last_call in calls for moment in seen.get(last_call, [])]
    result["calls"] = len(calls)
    # A screen may read the new board while the doctor's answer is still on its way (a delay below zero): 0.
    result["shown_after_call"] = _summary([max(0.0, d) for d in delays]) if delays else {}
    result["screens"] = screens
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["latency", "mixed", "floor", "alone", "displays"])
    parser.add_argument("--plan")
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    plan = json.loads(Path(args.plan).read_text()) if args.plan else {}
    if args.mode == "latency":
        result = latency(plan, args.url[0], args.iterations)
    elif args.mode == "alone":
        result = alone(plan, args.url[0], args.workers, args.seconds)
    elif args.mode == "mixed":
        result = mixed(plan, args.url, args.workers, args.seconds)
    elif args.mode == "displays":
        result = displays(plan, args.url[0], args.workers, args.seconds)
    else:
        result = floor(args.url, args.workers, args.seconds)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
