"""The hospital admin's display page: create (the key shown once), revoke, initials."""

import pytest
from django.urls import reverse

from apps.waitingroom.models import DisplayKey, DisplaySettings

pytestmark = pytest.mark.django_db


def test_the_admin_creates_a_display_and_sees_its_key_once(client, hospital_admin, doctor):
    client.force_login(hospital_admin)

    page = client.post(reverse("waitingroom:displays"), {"name": "Room 1", "doctor": doctor.pk}, follow=True)

    html = page.content.decode()
    assert 'data-testid="new-display-key"' in html
    display = DisplayKey.objects.get()
    assert f"/display/{display.key_prefix}" in html
    again = client.get(reverse("waitingroom:displays")).content.decode()
    assert 'data-testid="new-display-key"' not in again
    assert display.doctor == doctor


def test_a_bad_name_keeps_the_input_and_saves_nothing(client, hospital_admin):
    client.force_login(hospital_admin)
    answer = client.post(reverse("waitingroom:displays"), {"name": "", "doctor": ""})
    assert answer.status_code == 400
    assert not DisplayKey.objects.exists()


def test_revoke_and_initials_from_the_page(client, hospital_admin):
    client.force_login(hospital_admin)
    client.post(reverse("waitingroom:displays"), {"name": "Hall"})
    display = DisplayKey.objects.get()

    client.post(reverse("waitingroom:revoke", args=[display.pk]))
    client.post(reverse("waitingroom:settings"), {"show_initials": "on"})

    display.refresh_from_db()
    assert display.revoked_at is not None
    assert DisplaySettings.objects.get().show_initials


@pytest.mark.parametrize("role", ["receptionist", "doctor", "medical_staff"])
def test_other_roles_get_403(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("waitingroom:displays")).status_code == 403
    assert client.post(reverse("waitingroom:settings"), {"show_initials": "on"}).status_code == 403


def test_another_hospitals_display_is_404(client, hospital_admin, other_hospital):
    from apps.accounts.tests.factories import UserFactory
    from apps.waitingroom.services import create_display_key
    from common.constants import Role

    foreign, _ = create_display_key(by=UserFactory(role=Role.HOSPITAL_ADMIN, hospital=other_hospital), name="X")
    client.force_login(hospital_admin)
    assert client.post(reverse("waitingroom:revoke", args=[foreign.pk])).status_code == 404
