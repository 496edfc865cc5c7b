"""Lists that grow without end (visits, dispense records, audit events) page by position.

Following `next` visits every row exactly once, in the list's order, and no page counts the
whole history or skips rows with OFFSET: a page costs the same after a million rows.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.pharmacy.models import DispenseRecord
from apps.visits.models import Visit
from tests.test_api_queries import _patients_seen

pytestmark = pytest.mark.django_db

HISTORIES = [
    ("receptionist", "/api/v1/visits/", lambda w: Visit.objects.filter(hospital=w["hospital"]).order_by("-created_at", "-id")),
    ("medical_staff", "/api/v1/pharmacy/dispense-records/", lambda w: DispenseRecord.objects.filter(hospital=w["hospital"]).order_by("-created_at", "-id")),
    ("hospital_admin", "/api/v1/audit/", lambda w: AuditEvent.objects.filter(hospital=w["hospital"]).order_by("-created_at", "-id")),
]  # fmt: skip


@pytest.fixture
def world(hospital, receptionist, doctor, medical_staff):
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
