"""Hospitals, users and patients are never deleted, by any path: deactivate (or correct) instead.

Their rows are named by the audit trail and by clinical records, and an MRN is never
reused. The model refuses one row, its queryset a bulk delete, the admin offers no delete
page or action even to a superuser, and the API has no DELETE for them.
"""

import pytest
from django.contrib import admin

from apps.accounts.models import User
from apps.accounts.tests.factories import UserFactory
from apps.hospitals.models import Hospital
from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.models import Patient
from apps.patients.tests.factories import PatientFactory
from common.constants import Role
from common.exceptions import Conflict, DeletionRefused

pytestmark = pytest.mark.django_db

KEPT = {
    # model, how to make one with no history at all, what the refusal advises
    "hospital": (Hospital, lambda: HospitalFactory(), "Deactivate it instead."),
    "user": (User, lambda: UserFactory(role=Role.RECEPTIONIST, hospital=HospitalFactory()), "Deactivate it instead."),
    "patient": (Patient, lambda: PatientFactory(), "Correct the patient's details instead."),
}
ADMIN_PATHS = {"hospital": "hospitals/hospital", "user": "accounts/user", "patient": "patients/patient"}
API_PATHS = {"hospital": "/api/v1/hospitals/{}/", "user": "/api/v1/users/{}/", "patient": "/api/v1/patients/{}/"}


@pytest.mark.parametrize("kind", KEPT)
def test_deleting_one_is_refused_even_without_history_and_says_what_to_do_instead(kind):
    model, make, advice = KEPT[kind]
    row = make()
    with pytest.raises(DeletionRefused, match=advice) as refused:
        row.delete()
    assert isinstance(refused.value, Conflict)  # a 409 wherever a view or the API meets it
    assert refused.value.code == "deletion_refused"
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("kind", KEPT)
def test_a_bulk_delete_is_refused_too(kind):
    model, make, advice = KEPT[kind]
    row = make()
    with pytest.raises(DeletionRefused, match=advice):
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_a_hospitals_users_cannot_be_deleted_through_it():
    member = UserFactory(role=Role.DOCTOR, hospital=HospitalFactory())
    with pytest.raises(DeletionRefused):
        member.hospital.users.all().delete()
    assert User.objects.filter(pk=member.pk).exists()


@pytest.fixture
def superuser_client(admin_enabled, client, django_user_model):
    root = django_user_model.objects.create_superuser("operator", "operator@example.org", "a-long-operator-pass")
    client.force_login(root)
    return client


@pytest.mark.parametrize("kind", KEPT)
def test_the_admin_refuses_its_delete_page_to_a_superuser_and_the_row_stays(superuser_client, kind):
    model, make, _ = KEPT[kind]
    row = make()
    delete_page = f"/admin/{ADMIN_PATHS[kind]}/{row.pk}/delete/"
    assert superuser_client.get(delete_page).status_code == 403
    assert superuser_client.post(delete_page, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("kind", KEPT)
def test_the_admin_list_offers_no_delete_action_and_a_forged_one_deletes_nothing(superuser_client, kind):
    model, make, _ = KEPT[kind]
    row = make()
    changelist = f"/admin/{ADMIN_PATHS[kind]}/"
    model_admin = admin.site._registry[model]
    assert "delete_selected" not in model_admin.get_actions(superuser_client.get(changelist).wsgi_request)
    superuser_client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("kind", KEPT)
def test_the_api_has_no_delete_for_them(api_as, super_admin, kind):
    model, make, _ = KEPT[kind]
    row = make()
    # Whoever may read it: the super admin, or the front desk of the patient's hospital.
    actor = UserFactory(role=Role.RECEPTIONIST, hospital=row.hospital) if kind == "patient" else super_admin
    answer = api_as(actor).delete(API_PATHS[kind].format(row.pk))
    assert answer.status_code == 405
    assert model.objects.filter(pk=row.pk).exists()
