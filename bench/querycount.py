"""SQL queries per key request, counted in-process through Django's test client.

    python -m bench.querycount plan.json

Sends each scenario's request three times and reports the count of the last: the first
may fill per-process caches (content types, the user's hospital). Prints JSON.
"""

import argparse
import json
import sys

import django

REPEATS = 3


class DjangoClient:
    """bench.scenarios.Client over django.test.Client: a logged-in session per user, a bearer token per user."""

    def __init__(self, plan: dict):
        from django.test import Client

        self.plan = plan
        self.anonymous = Client()
        self.api = Client()  # no cookies: an integration sends its token, not the browser's session
        self.sessions: dict[str, Client] = {}
        self.tokens: dict[str, str] = {}

    def _user(self, username: str):
        from apps.accounts.models import User

        return User.objects.get(username=username)

    def _session(self, username: str | None):
        from django.test import Client

        if username is None:
            return self.anonymous
        if username not in self.sessions:
            client = Client()
            client.force_login(self._user(username))
            self.sessions[username] = client
        return self.sessions[username]

    def _token(self, username: str) -> str:
        from apps.accounts.services import issue_api_token

        if username not in self.tokens:
            self.tokens[username] = issue_api_token(user=self._user(username))[1]
        return self.tokens[username]

    def send(self, request):
        if request.api:
            headers = {"Authorization": f"Bearer {self._token(request.user)}"} if request.user else {}
            headers |= request.headers or {}
            body = json.dumps(request.body) if request.body is not None else ""
            response = self.api.generic(
                request.method, request.path, body, content_type="application/json", headers=headers
            )
            return response.status_code, response.json() if response.content else None
        client = self._session(request.user)
        if request.method == "GET":
            response = client.get(request.path)
        else:
            response = client.post(request.path, request.body or {})
        return response.status_code, response.content.decode()


def count(plan: dict) -> dict[str, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.scenarios import KEY_REQUESTS, SCENARIOS

    client = DjangoClient(plan)
    results = {}
    named = {scenario.name for scenario in SCENARIOS}
    for scenario in [*SCENARIOS, *(key for key in KEY_REQUESTS if key.name not in named)]:
        requests = scenario.requests(plan, client)
        counts = []
        for _ in range(REPEATS):
            request = next(requests)
            with CaptureQueriesContext(connection) as queries:
                status, _body = client.send(request)
            if status not in request.expect:
                raise RuntimeError(f"{scenario.name}: {request.method} {request.path} gave {status}")
            counts.append(len(queries))
        results[scenario.name] = {"queries": counts[-1], "steady": counts[-1] == counts[-2]}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    args = parser.parse_args()
    django.setup()
    with open(args.plan) as plan:
        json.dump(count(json.load(plan)), sys.stdout)


if __name__ == "__main__":
    main()
