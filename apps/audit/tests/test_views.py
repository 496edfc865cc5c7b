"""The audit viewer and its CSV export (hospital admin: own hospital; super admin: all)."""

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.services import record_event
from apps.patients.services import create_patient, update_patient
from common.csv_export import neutralise

pytestmark = pytest.mark.django_db
LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


def event(actor, action="auth.login", summary="something", **fields):
    with transaction.atomic():
        return record_event(actor=actor, action=action, summary=summary, **fields)


def rows_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_hospital_admin_sees_only_their_hospitals_events(client, hospital_admin, receptionist, other_hospital):
    from apps.accounts.tests.factories import UserFactory

    stranger = UserFactory(hospital=other_hospital, username="stranger")
    event(receptionist, summary="ours")
    event(stranger, summary="theirs")
    client.force_login(hospital_admin)
    page = client.get(LIST).content.decode()
    assert "ours" in page
    assert "theirs" not in page


def test_the_super_admin_sees_every_hospital_with_its_name(client, super_admin, receptionist, other_hospital):
    from apps.accounts.tests.factories import UserFactory

    event(receptionist, summary="ours")
    event(UserFactory(hospital=other_hospital), summary="theirs")
    client.force_login(super_admin)
    page = client.get(LIST).content.decode()
    assert "ours" in page
    assert "theirs" in page
    assert "Other Hospital" in page


@pytest.mark.parametrize("role", ["receptionist", "doctor", "medical_staff"])
def test_other_roles_get_a_403_for_the_log_and_the_export(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_the_navbar_links_the_log_for_both_admins(client, hospital_admin, super_admin):
    for admin in (hospital_admin, super_admin):
        client.force_login(admin)
        assert f'href="{LIST}"' in client.get(reverse("accounts:home"), follow=True).content.decode()


def test_filters_by_username_action_prefix_object_and_days(client, hospital_admin, receptionist, doctor):
    patient = create_patient(by=receptionist, full_name="Asha", age=30, gender="F")
    update_patient(by=receptionist, patient=patient, address="New")
    event(doctor, action="auth.login", summary="doctor in")
    # Arranging the past by the clock: an event is never changed once written (and its hash covers the time).
    with mock.patch("apps.audit.services.timezone.now", return_value=timezone.now() - timedelta(days=40)):
        event(receptionist, action="auth.logout", summary="long ago")
    client.force_login(hospital_admin)

    def summaries(**query):
        response = client.get(LIST, query)
        assert response.status_code == 200
        return [e.summary for e in response.context["page"]]

    assert summaries(actor="DOC") == ["doctor in"]
    assert summaries(action="auth.") == ["doctor in", "long ago"]
    assert [s.startswith("Updated") for s in summaries(action="patient.update")] == [True]
    assert len(summaries(object_type="patients.patient", object_id=str(patient.pk))) == 2
    today = timezone.localdate()
    assert "long ago" not in summaries(since=str(today - timedelta(days=1)), until=str(today))
    assert summaries(until=str(today - timedelta(days=30))) == ["long ago"]


def test_a_reversed_day_range_is_refused_with_a_message(client, hospital_admin):
    client.force_login(hospital_admin)
    page = client.get(LIST, {"since": "2026-02-02", "until": "2026-01-01"}).content.decode()
    assert "must not be after" in page
    assert client.get(LIST, {"since": "not-a-date"}).status_code == 200


def test_the_export_streams_the_filtered_rows_and_is_itself_audited(client, hospital_admin, receptionist, doctor):
    event(receptionist, action="visit.create", summary="visit one")
    event(doctor, action="auth.login", summary="doctor in")
    client.force_login(hospital_admin)
    response = client.get(EXPORT, {"action": "visit.create"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][:5] == ["time", "username", "role", "hospital", "action"]
    assert [row[7] for row in rows[1:]] == ["visit one"]
    export = AuditEvent.objects.get(action="audit.export")
    assert (export.actor, export.changes) == (hospital_admin, {"action": "visit.create", "rows": 1, "complete": True})


def test_the_export_is_audited_after_it_was_sent_with_the_rows_sent_and_the_clients_address(
    client, hospital_admin, receptionist
):
    for n in range(3):
        event(receptionist, summary=f"event {n}")
    client.force_login(hospital_admin)
    response = client.get(EXPORT, REMOTE_ADDR="10.9.8.7")
    assert not AuditEvent.objects.filter(action="audit.export").exists()  # nothing sent yet
    assert len(rows_of(response)) == 1 + 3
    export = AuditEvent.objects.get(action="audit.export")
    assert (export.changes, export.summary, export.ip_address) == (
        {"rows": 3, "complete": True},
        "Exported 3 audit events as CSV",
        "10.9.8.7",
    )


# Committed for real: closing the response ends the request as a server would, outside any test transaction.
@pytest.mark.django_db(transaction=True)
def test_an_export_cut_off_by_the_client_is_audited_with_what_was_sent(client, hospital_admin, receptionist):
    for n in range(5):
        event(receptionist, summary=f"event {n}")
    client.force_login(hospital_admin)
    response = client.get(EXPORT)
    lines = iter(response.streaming_content)
    next(lines), next(lines), next(lines)  # the header and two rows, then the client goes away
    response.close()
    export = AuditEvent.objects.get(action="audit.export")
    assert (export.changes, export.summary) == (
        {"rows": 2, "complete": False},
        "Exported 2 audit events as CSV (cut off)",
    )


def test_the_export_reads_rows_through_an_iterator_not_a_list(client, hospital_admin, receptionist, monkeypatch):
    from django.db.models.query import QuerySet

    calls = []
    original = QuerySet.iterator

    def spy(self, *args, **kwargs):
        calls.append(kwargs.get("chunk_size"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    for n in range(3):
        event(receptionist, summary=f"event {n}")
    client.force_login(hospital_admin)
    rows = rows_of(client.get(EXPORT))
    assert calls == [2000]
    assert len(rows) == 1 + 3  # header and the three events: the export's own event is written after them


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tlead", "\rlead"])
def test_cells_that_would_run_as_formulas_are_neutralised(client, hospital_admin, receptionist, payload):
    create_patient(by=receptionist, full_name=payload.strip() or "x", age=30, gender="F")
    event(receptionist, summary=payload)
    client.force_login(hospital_admin)
    for row in rows_of(client.get(EXPORT))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert neutralise(payload) == "'" + payload


def test_markup_in_the_log_is_shown_as_text(client, hospital_admin, receptionist):
    event(receptionist, action="audit.export", summary="<script>alert(1)</script>", changes={"actor": "<b>x</b>"})
    client.force_login(hospital_admin)
    page = client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page


@pytest.mark.parametrize("rows", [1, 30])
def test_the_log_makes_a_fixed_number_of_queries(
    client, hospital_admin, receptionist, rows, django_assert_max_num_queries
):
    for n in range(rows):
        event(receptionist, summary=f"event {n}")
    client.force_login(hospital_admin)
    with django_assert_max_num_queries(7):
        assert client.get(LIST).status_code == 200


# The first and last days a date can hold: today's event is inside the first three ranges, outside the others.
EDGE_DAYS = [
    ({"since": "0001-01-01"}, True),
    ({"until": "9999-12-31"}, True),
    ({"since": "0001-01-01", "until": "9999-12-31"}, True),
    ({"until": "0001-01-01"}, False),
    ({"since": "9999-12-31"}, False),
]


@pytest.mark.parametrize(("bounds", "has_today"), EDGE_DAYS)
def test_the_first_and_last_days_a_date_can_hold_filter_the_page_and_export(
    client, hospital_admin, receptionist, bounds, has_today
):
    event(receptionist, summary="today")
    client.force_login(hospital_admin)
    page = client.get(LIST, bounds)
    assert page.status_code == 200
    assert ("today" in [e.summary for e in page.context["page"]]) == has_today
    rows = rows_of(client.get(EXPORT, bounds))
    assert ("today" in [row[7] for row in rows[1:]]) == has_today
    assert AuditEvent.objects.get(action="audit.export").changes["complete"] is True


@pytest.mark.parametrize(
    ("bounds", "has_today"),
    [
        *EDGE_DAYS,
        # Times whose zone reaches past what UTC can hold.
        ({"since": "0001-01-01T00:00:00+14:00"}, True),
        ({"until": "9999-12-31T23:59:59-12:00"}, True),
        ({"until": "0001-01-01T00:00:00+14:00"}, False),
    ],
)
def test_the_api_filters_by_the_first_and_last_moments_a_date_can_hold(
    api_as, hospital_admin, receptionist, bounds, has_today
):
    event(receptionist, summary="today")
    response = api_as(hospital_admin).get("/api/v1/audit/", bounds)
    assert response.status_code == 200
    assert ("today" in [e["summary"] for e in response.json()["results"]]) == has_today
