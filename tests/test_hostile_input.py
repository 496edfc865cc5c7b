"""The fuzz pass of issue 14: every hostile input of §8–§12 at every API endpoint and every page form, as each role.

No answer may be a 500, and nothing may be saved: a write's hostile request leaves every table of ours
as it was (the audit log included); a read may only add the audit row of a read. Endpoints come from
the permission matrix (which a test holds equal to the OpenAPI schema), pages and their forms from
crawling each role's pages from its start page. The focused tests of each point live beside:
tests/test_no_500_input.py, tests/test_api_bad_input.py, tests/test_keyset_pagination.py.
"""

import base64
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps

from apps.audit.models import AuditEvent
from tests.api_world import build_world
from tests.test_api_permissions import MATRIX, ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

PAST_64_BITS = 2**64


def _cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


# §8 crafted cursors, §10 out-of-range dates, §11 NUL and ids past 64 bits, §12 invisible text and junk filters.
HOSTILE_QUERIES = [
    {"cursor": _cursor("p=abc")},
    {"cursor": _cursor("p=\x00")},
    {"cursor": _cursor("p=" + "9" * 30)},
    {"cursor": _cursor("p=0000-01-01 00:00:00+00:00")},
    {"cursor": _cursor("p=0001-01-01 00:00:00+05:30")},
    {"cursor": _cursor("o=1&r=x&p=2026-13-45")},
    {"cursor": "not base64 at all!"},
    {"since": "0001-01-01", "until": "9999-12-31"},
    {"since": "0000-00-00", "until": "99999-01-01"},
    {"date": "0001-01-01"},
    {"date": "9999-12-31T23:59:59"},
    {"q": "\x00"},
    {"q": "\u200b\ufeff\u202e"},
    {"q": "x" * 5000},
    {"patient": str(PAST_64_BITS)},
    {"patient": "1e400"},
    {"is_active": "perhaps"},
    {"status": "\u202e"},
    {"page_size": "9" * 30},
    {"action": "\x00", "actor": str(PAST_64_BITS)},
]

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a": ' * 1000 + "1" + "}" * 1000
# A body each write gets whatever it expects: nothing in it may be stored.
HOSTILE_RAW_BODIES = [DEEP, DEEP_OBJECT, "true", "0", '"text"', "[1, 2]", '{"a\\u0000": 1}', "{not json", "1e400"]
# §9, §11, §12: each field of the endpoint's valid body replaced at once by one of these.
HOSTILE_VALUES = [
    True,
    False,
    PAST_64_BITS,
    10**30,
    -1,
    "\u200b\ufeff",
    "\u202e\u2066\u2069",
    "   ",
    "\x00",
    "0001-01-01",
    "9999-12-31",
    [],
    {"nested": {"deeper": [1, {"x": True}]}},
    "x" * 5000,
]


def _ours():
    return [m for m in apps.get_models() if m.__module__.startswith("apps.")]


def _snapshot(*, reads: bool = False):
    """Every row of ours; for a read, without the audit log and its chain (a read of health data is audited)."""
    return {
        m.__name__: list(m.objects.order_by("pk").values())
        for m in _ours()
        if not (reads and m._meta.app_label == AuditEvent._meta.app_label)
    }


@pytest.fixture
def world(hospital, other_hospital, super_admin):
    world = build_world(hospital, "")
    build_world(other_hospital, "x_")
    world.super_admin = super_admin
    return world


def _ids(world) -> dict:
    return {name: getattr(world, name).pk for name in vars(world) if hasattr(getattr(world, name), "pk")}


def _clients(world, api_as) -> dict:
    return {role: api_as(None if role == "anonymous" else getattr(world, role)) for role in ROLES}


ENDPOINTS = list(dict.fromkeys((method, path, body) for method, path, body, *_ in MATRIX))
ENDPOINTS.append(("POST", "/auth/token/", lambda w: {"username": "receptionist", "password": "not the password"}))


def _hostile_bodies(valid: dict | None):
    yield from HOSTILE_RAW_BODIES
    fields = list(valid or {}) or ["anything"]
    for value in HOSTILE_VALUES:
        yield json.dumps(dict.fromkeys(fields, value) | {"surely_not_a_field": 1})
    yield json.dumps({**(valid or {}), "surely_not_a_field": True})  # the valid body plus one unknown field
    if valid and "vitals" not in valid:
        yield json.dumps({**valid, "vitals": {"temperature": 39}})


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_no_hostile_input_gives_a_500_or_saves_anything_on_any_endpoint_for_any_role(
    world, api_as, settings, method, path, body
):
    clients = _clients(world, api_as)
    url = "/api/v1" + path.format(**_ids(world))
    reads = method == "GET"
    errors = []

    def send(role, *, query=None, content=None):
        if query:
            answer = clients[role].get(url, query)
        else:
            answer = clients[role].generic(method, url, content, content_type="application/json")
        if answer.status_code >= 500:
            errors.append((role, query or content[:80], answer.status_code))

    roles = ["anonymous"] if path == "/auth/token/" else ROLES
    # A valid body may need rows of its own (a template to apply): made once, before the snapshot.
    valid = body(world) if body and not reads else None
    before = _snapshot(reads=reads)
    for role in roles:
        if reads:  # a query string is a read's input; a write's is its body
            for query in HOSTILE_QUERIES:
                send(role, query=query)
            continue
        for content in _hostile_bodies(valid):
            send(role, content=content)
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000  # an oversized body
        send(role, content=json.dumps({**(valid or {}), "address": "x" * 20_000}))
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    after = _snapshot(reads=reads)
    assert errors == []
    assert [table for table in before if before[table] != after[table]] == []


# Pages and their forms ----------------------------------------------------------------------------


class _Page(HTMLParser):
    """The same-site links of a page and its POST forms with their fields."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.current: dict | None = None  # the POST form being read (a GET form's fields are a query string)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.current = None
            if (attrs.get("method") or "get").lower() == "post":
                self.current = {"action": attrs.get("action") or "", "fields": {}, "typed": []}
                self.forms.append(self.current)
        elif tag in ("input", "select", "textarea") and self.current is not None and attrs.get("name"):
            form = self.current
            form["fields"][attrs["name"]] = attrs.get("value") or ""
            kind = attrs.get("type", "text") if tag == "input" else tag
            tokens = ("csrfmiddlewaretoken", "submission_token")
            shown = kind not in ("hidden", "submit", "button", "checkbox")
            if shown or (kind == "hidden" and attrs["name"] not in tokens):
                form["typed"].append(attrs["name"])  # what a person (or a crafted request) fills in


SKIP = re.compile(r"^/(admin|api|static|logout|healthz|readyz)|^/$")
# No field of any form may take these: nothing is saved.
REFUSED_FORM_VALUES = ["\u200b\ufeff", "\u202e\u2066\u2069", "\u3164", "x" * 20_000]
# Text a text field may well take ("true" is a fine dosage) but no number, id, date or switch: never a 500.
ODD_FORM_VALUES = ["true", str(PAST_64_BITS), "9" * 30, "-1", "0001-01-01", "9999-12-31", "1e400"]


def _crawl(client, start: str, limit: int = 60) -> dict[str, _Page]:
    pages, queue = {}, [start]
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in pages:
            continue
        answer = client.get(url)
        if answer.status_code != 200 or "text/html" not in answer.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(answer.content.decode())
        pages[url] = page
        for link in page.links:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc or SKIP.match(parts.path):
                continue
            queue.append(parts.path)  # the query string is the fuzz's
    return pages


PAGE_ROLES = ["super_admin", "hospital_admin", "receptionist", "doctor", "medical_staff"]


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_no_hostile_input_gives_a_500_or_saves_anything_on_any_page_or_form(world, client, settings, role):
    client.force_login(getattr(world, role))
    pages = _crawl(client, client.get("/").url)  # the role's start page
    assert len(pages) > 1, "the crawl reached no page"
    failures = []
    for url, page in pages.items():
        for query in HOSTILE_QUERIES:
            if client.get(url, query).status_code >= 500:
                failures.append((url, query))
        for form in page.forms:
            if not form["typed"] or "logout" in form["action"]:
                continue  # a button (start, print, dispense…): its only input is the id in its path
            action = urljoin(url, form["action"] or url)
            for value in REFUSED_FORM_VALUES + ODD_FORM_VALUES:
                data = form["fields"] | dict.fromkeys(form["typed"], value) | {"surely_not_a_field": value}
                before = _snapshot()
                answer = client.post(action, data)
                if answer.status_code >= 500:
                    failures.append((action, value[:20], answer.status_code))
                elif value in REFUSED_FORM_VALUES and _snapshot() != before:
                    failures.append((action, value[:20], "saved something"))
            before = _snapshot()
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
            answer = client.post(action, form["fields"] | dict.fromkeys(form["typed"], "x" * 20_000))
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
            if answer.status_code >= 500 or _snapshot() != before:
                failures.append((action, "oversized", answer.status_code))
    assert failures == []
