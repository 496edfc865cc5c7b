"""The hospital admin's clinical lists page: add, retire, restore; shorthand; other roles refused."""

import pytest
from django.urls import reverse

from apps.consultations.models import IcdSynonym, PickListEntry
from apps.consultations.selectors import pick_lists

pytestmark = pytest.mark.django_db
URL = "opd:pick_lists"


def test_the_admin_adds_and_retires_a_line(client, hospital_admin, hospital):
    client.force_login(hospital_admin)
    page = client.get(reverse(URL)).content.decode()
    assert "Dengue NS1 / IgM" in page  # the defaults, before any edit
    answer = client.post(reverse(URL), {"action": "add_entry", "kind": "investigation", "text": "Serum ferritin"})
    assert answer.status_code == 302
    entry = PickListEntry.objects.get(text="Serum ferritin")
    client.post(reverse(URL), {"action": "entry_status", "id": entry.pk, "is_active": "0"})
    assert "Serum ferritin" not in pick_lists(hospital=hospital)["investigation"]


def test_a_refused_line_keeps_the_input(client, hospital_admin):
    client.force_login(hospital_admin)
    answer = client.post(reverse(URL), {"action": "add_synonym", "term": "ZZ", "icd_code": "Q99.99"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'value="Q99.99"' in html
    assert "not an ICD-10 code" in html
    assert not IcdSynonym.objects.exists()


def test_the_admin_adds_shorthand(client, hospital_admin):
    client.force_login(hospital_admin)
    client.post(reverse(URL), {"action": "add_synonym", "term": "ht2", "icd_code": "I15.9"})
    assert IcdSynonym.objects.get().term == "HT2"


def test_other_roles_get_403(client, doctor, receptionist):
    for user in (doctor, receptionist):
        client.force_login(user)
        assert client.get(reverse(URL)).status_code == 403


def test_another_hospitals_line_is_404(client, hospital_admin, other_hospital):
    entry = PickListEntry.objects.create(hospital=other_hospital, kind="advice", text="Rest")
    client.force_login(hospital_admin)
    assert client.post(reverse(URL), {"action": "entry_status", "id": entry.pk, "is_active": "0"}).status_code == 404
