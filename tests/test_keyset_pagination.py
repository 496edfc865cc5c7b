"""Lists that grow without end (visits, dispense records, audit events) page by position.

Following `next` visits every row exactly once, in the list's order, and no page counts the
whole history or skips rows with OFFSET: a page costs the same after a million rows.
"""

import ast
import base64
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse

from apps.audit.models import AuditEvent
from apps.consultations.models import ConsultationSession
from apps.pharmacy.models import DispenseRecord
from apps.visits.models import Visit
from common.pagination import KeysetPagination
from tests.test_api_queries import _patients_seen

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db

HISTORIES = [
    ("receptionist", "/api/v1/visits/", lambda w: Visit.objects.filter(hospital=w["hospital"]).order_by("-created_at", "-id")),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/", lambda w: DispenseRecord.objects.filter(hospital=w["hospital"]).order_by("-created_at", "-id")),
    ("hospital_admin", "/api/v1/audit/", lambda w: AuditEvent.objects.filter(hospital=w["hospital"]).order_by("-created_at", "-id")),
]  # fmt: skip


@pytest.fixture
def world(hospital, receptionist, doctor, medical_staff, super_admin):
    w = {"hospital": hospital, "receptionist": receptionist, "doctor": doctor, "medical_staff": medical_staff}
    _patients_seen(w, 4)
    return w


def _sql(queries) -> str:
    return "\n".join(q["sql"].upper() for q in queries)


@pytest.mark.parametrize(("role", "url", "expected"), HISTORIES, ids=[url for _, url, _ in HISTORIES])
def test_following_next_visits_every_row_once_in_order_without_count_or_offset(
    request, api_as, world, hospital_admin, role, url, expected
):
    client = api_as(request.getfixturevalue(role))
    seen, page_url, pages = [], f"{url}?page_size=3", 0
    while page_url:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(page_url)
        assert answer.status_code == 200
        assert "COUNT(" not in _sql(queries)
        assert "OFFSET" not in _sql(queries)
        body = answer.json()
        assert set(body) == {"next", "previous", "results"}
        seen += [row["id"] for row in body["results"]]
        page_url, pages = body["next"], pages + 1
    assert seen == list(expected(world).values_list("id", flat=True))
    assert pages >= 2


def test_a_mangled_cursor_is_a_404_in_the_api(api_as, world, hospital_admin):
    answer = api_as(hospital_admin).get("/api/v1/audit/", {"cursor": "not-a-cursor"})
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Invalid cursor", "code": "not_found"}


def test_the_audit_page_walks_back_through_the_log_keeping_its_filter(client, world, hospital_admin):
    client.force_login(hospital_admin)
    expected = list(
        AuditEvent.objects.filter(hospital=world["hospital"], action="visit.create")
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    seen, page_url = [], reverse("audit:list") + "?action=visit.create&page_size=3"
    while page_url:
        answer = client.get(page_url)
        assert answer.status_code == 200
        seen += [event.pk for event in answer.context["page"]]
        page_url = answer.context["page"].next_url
        assert page_url is None or "action=visit.create" in page_url
    assert seen == expected


# Crafted `?cursor=` values (issue 14 §8): DRF's cursor is base64 of a query string with the position
# `p`, offset `o` and direction `r`. None may reach the database as a value it cannot compare.
def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


BAD_POSITIONS = [
    "p=abc",
    "p=%00",
    "p=2026-01-01%2000:00:00%00",
    "p=" + "9" * 30,
    "p=-" + "9" * 30,
    "p=0000-01-01 00:00:00+00:00",
    "p=0001-01-01 00:00:00+05:30",  # valid in India, before year 1 in UTC
    "p=9999-12-31 23:59:59-05:00",  # after year 9999 in UTC
    "p=99999-01-01 00:00:00+00:00",
    "p=2026-01-01 00:00:00",  # no offset: not a position we issue
    "p=2026-02-30 00:00:00+00:00",
    "p=",
    "p=abc&o=" + "9" * 30 + "&r=1",
]
OTHER_JUNK = [
    "o=abc",
    "o=-1",
    "r=junk",
    "r=",
    "o=" + "9" * 30,  # DRF caps the offset
    "r=" + "9" * 30,
    "x=1",
]
UNDECODABLE = ["not base64 at all!", "%%%", "é", "A" * 5000, _b64("\xff\xfe")[:-1], "=" * 8]
CRAFTED = [_b64(c) for c in BAD_POSITIONS + OTHER_JUNK] + UNDECODABLE

# Every keyset list: the API's (role, url) and the web's (role, url); the tests below check nothing is left out.
KEYSET_API = [
    ("receptionist", "/api/v1/visits/"),
    ("doctor", "/api/v1/visits/"),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/"),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/?status=pending"),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/?status=printed"),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/?status=dispensed"),
    ("hospital_admin", "/api/v1/audit/"),
    ("super_admin", "/api/v1/audit/"),
]
KEYSET_PAGES = [
    ("receptionist", "/visits/"),
    ("medical_staff", "/pharmacy/?status=pending"),
    ("medical_staff", "/pharmacy/?status=printed"),
    ("medical_staff", "/pharmacy/?status=dispensed"),
    ("hospital_admin", "/audit/"),
    ("super_admin", "/audit/"),
    # The patient's history: the consultation page's timeline and the chart.
    ("doctor", "/consultations/sessions/{session}/"),
    ("doctor", "/visits/patients/{patient}/"),
]
# Where each page keeps its rows in the template context.
PAGE_KEYS = {"/visits/": "todays_visits", "/consultations/sessions/": "history", "/visits/patients/": "visits"}


def _page_key(url: str) -> str:
    return next((key for prefix, key in sorted(PAGE_KEYS.items(), reverse=True) if url.startswith(prefix)), "page")


def _with_cursor(url: str, cursor: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'cursor': cursor})}"


def _views(urls) -> set:
    return {resolve(urlsplit(url.format(session=1, patient=1)).path).func for _, url in urls}


def test_the_tables_name_every_keyset_list():
    api_views = {
        pattern.callback
        for pattern in get_resolver("config.api_urls").url_patterns
        if getattr(getattr(pattern.callback, "cls", None), "pagination_class", None) is KeysetPagination
    }
    assert _views(KEYSET_API) == api_views
    paging_views = set()
    for path in ROOT.glob("apps/*/views.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(call, ast.Call) and getattr(call.func, "id", "") == "keyset_page" for call in ast.walk(node)
            ):
                paging_views.add(node.name)
    # A view pages when it or a mixin of its own (the consultation page's SessionMixin) calls keyset_page.
    listed = {view.view_class for view in _views(KEYSET_PAGES)}
    assert {next(c.__name__ for c in view.__mro__ if c.__name__ in paging_views) for view in listed} == paging_views


@pytest.mark.parametrize(("role", "url"), KEYSET_API, ids=[f"{r} {u}" for r, u in KEYSET_API])
def test_a_crafted_cursor_is_an_invalid_cursor_in_the_api_never_a_500(request, api_as, world, role, url):
    client = api_as(request.getfixturevalue(role))
    for cursor in CRAFTED:
        answer = client.get(_with_cursor(url, cursor))
        assert answer.status_code in (200, 404), (cursor, answer.status_code)
        if answer.status_code == 404:
            assert answer.json() == {"detail": "Invalid cursor", "code": "not_found"}, cursor
    for position in BAD_POSITIONS:
        answer = client.get(_with_cursor(url, _b64(position)))
        assert answer.status_code == 404, position


@pytest.mark.parametrize(("role", "url"), KEYSET_PAGES, ids=[f"{r} {u}" for r, u in KEYSET_PAGES])
def test_a_crafted_cursor_on_a_page_shows_the_first_page(request, client, world, role, url):
    client.force_login(request.getfixturevalue(role))
    key = _page_key(url)
    if "{" in url:
        session = ConsultationSession.objects.filter(doctor=world["doctor"], status="open").earliest("id")
        url = url.format(session=session.pk, patient=session.visit.patient_id)
    first = client.get(url)
    assert first.status_code == 200
    first_rows = [row.pk for row in first.context[key]]
    for cursor in [_b64(position) for position in BAD_POSITIONS] + UNDECODABLE:
        answer = client.get(_with_cursor(url, cursor))
        assert answer.status_code == 200, cursor
        assert [row.pk for row in answer.context[key]] == first_rows, cursor
