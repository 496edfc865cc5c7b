"""The hospital admin's formulary pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.formulary.models import FormularyEntry
from apps.formulary.tests.factories import FormularyEntryFactory
from common.submissions import new_token

pytestmark = pytest.mark.django_db


def upload(text, dry_run):
    return {"csv_file": SimpleUploadedFile("f.csv", text.encode()), **({"dry_run": "on"} if dry_run else {})}


def test_the_admin_lists_and_searches_only_their_hospitals_medicines(client, hospital_admin, other_hospital):
    FormularyEntryFactory(hospital=hospital_admin.hospital, generic_name="Paracetamol", brand_names="Dolo")
    FormularyEntryFactory(hospital=other_hospital, generic_name="Paracetamol elsewhere")
    client.force_login(hospital_admin)
    page = client.get(reverse("formulary:list"), {"q": "dolo"}).content.decode()
    assert "Paracetamol" in page
    assert "elsewhere" not in page


def test_the_dry_run_lists_bad_rows_and_the_import_writes_nothing_then(client, hospital_admin):
    client.force_login(hospital_admin)
    bad = "generic_name,form\nIron,tablet\nZinc,bucket\n"
    page = client.post(reverse("formulary:list"), upload(bad, dry_run=True)).content.decode()
    assert "1 bad row" in page and "Row 3" in page  # noqa: PT018 (one sentence)
    answer = client.post(reverse("formulary:list"), upload(bad, dry_run=False))
    assert answer.status_code == 400
    assert not FormularyEntry.objects.filter(generic_name="Iron").exists()
    client.post(reverse("formulary:list"), upload("generic_name,form\nIron,tablet\n", dry_run=False))
    assert FormularyEntry.objects.filter(generic_name="Iron", hospital=hospital_admin.hospital).exists()


def test_a_repeated_import_click_imports_once_and_shows_the_first_counts(client, hospital_admin):
    client.force_login(hospital_admin)
    token = new_token()
    csv_text = "generic_name,form\nIron,tablet\nZinc,tablet\n"
    # The page hands out the token the form sends.
    assert 'name="submission_token"' in client.get(reverse("formulary:list")).content.decode()
    first = client.post(reverse("formulary:list"), {**upload(csv_text, dry_run=False), "submission_token": token})
    assert first.status_code == 302
    again = client.post(
        reverse("formulary:list"), {**upload(csv_text, dry_run=False), "submission_token": token}, follow=True
    )
    page = again.content.decode()
    assert "already sent" in page and "2 added, 0 updated" in page  # noqa: PT018 (one message)
    assert AuditEvent.objects.filter(action="formulary.import", hospital=hospital_admin.hospital).count() == 1


def test_a_dry_run_leaves_the_token_free_for_the_import(client, hospital_admin):
    client.force_login(hospital_admin)
    token = new_token()
    csv_text = "generic_name,form\nIron,tablet\n"
    client.post(reverse("formulary:list"), {**upload(csv_text, dry_run=True), "submission_token": token})
    client.post(reverse("formulary:list"), {**upload(csv_text, dry_run=False), "submission_token": token})
    assert FormularyEntry.objects.filter(generic_name="Iron", hospital=hospital_admin.hospital).exists()


def test_the_export_is_the_imports_csv(client, hospital_admin):
    FormularyEntryFactory(hospital=hospital_admin.hospital, generic_name="Zinc")
    client.force_login(hospital_admin)
    text = client.get(reverse("formulary:export")).content.decode()
    assert text.startswith("generic_name,brand_names,strength,form")
    assert "Zinc" in text


def test_the_admin_adds_brands_on_the_edit_page(client, hospital_admin):
    entry = FormularyEntryFactory(hospital=hospital_admin.hospital, generic_name="Cetirizine", strength="10 mg")
    client.force_login(hospital_admin)
    form = {"generic_name": "Cetirizine", "strength": "10 mg", "form": "tablet", "brand_names": "Okacet",
            "is_active": "on"}  # fmt: skip
    client.post(reverse("formulary:edit", args=[entry.pk]), form)
    entry.refresh_from_db()
    assert entry.brand_names == "Okacet"


def test_other_roles_and_hospitals_are_refused(client, doctor, hospital_admin, other_hospital):
    client.force_login(doctor)
    assert client.get(reverse("formulary:list")).status_code == 403
    client.force_login(hospital_admin)
    foreign = FormularyEntryFactory(hospital=other_hospital)
    assert client.get(reverse("formulary:edit", args=[foreign.pk])).status_code == 404
