"""The Django admin (issue 14, point 2): absent unless DJANGO_ADMIN_ENABLED; when on, it only reads.

It went around the services: a password changed there left the user's API tokens working, a
user added there passed the staff limit, and neither (nor the admin's log-ins) was audited.
Now every model registered, ours and the libraries', is read only, there is no password
change, log-in and log-out are the app's own (audited, lockout-protected), only the super
admin gets in, and health data is never shown.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command

from apps.accounts.models import User
from apps.accounts.tests.factories import TEST_PASSWORD
from apps.audit.models import AuditEvent
from apps.discovery.demo import DEMO_HOSPITAL_NAME
from apps.hospitals.models import Hospital
from apps.patients.models import Patient
from common.constants import Role

pytestmark = pytest.mark.django_db
ROOT_PASSWORD = "a-long-operator-pass"


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("operator", "operator@example.org", ROOT_PASSWORD)


@pytest.fixture
def root_client(admin_enabled, client, root):
    client.force_login(root)
    return client


def test_the_admin_is_absent_unless_switched_on(client, root, settings):
    assert settings.DJANGO_ADMIN_ENABLED is False
    client.force_login(root)
    for path in ("/admin/", "/admin/login/", "/admin/accounts/user/", f"/admin/accounts/user/{root.pk}/change/"):
        assert client.get(path).status_code == 404, path


def test_every_model_of_ours_is_registered(admin_enabled):
    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {c.label for c in apps.get_app_configs() if c.name.startswith("apps.")}
    ]
    assert ours
    assert [m.__name__ for m in ours if m not in admin.site._registry] == []


def test_every_registered_model_only_reads_even_for_a_superuser(admin_enabled, rf, root):
    request = rf.get("/admin/")
    request.user = root
    registered = admin.site._registry
    assert {"Group", "AccessAttempt", "AccessLog", "User", "Hospital", "AuditEvent"} <= {
        model.__name__ for model in registered
    }
    for model, model_admin in registered.items():
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert model_admin.get_actions(request) == {}, model  # delete_selected, axes' clean-up: none


def test_a_user_cannot_be_added_there_past_the_staff_limit_or_at_all(root_client, hospital):
    hospital.max_doctors = 0
    hospital.save()
    form = {"username": "extra", "password1": "x-long-pass-9", "password2": "x-long-pass-9", "role": Role.DOCTOR}
    answer = root_client.post("/admin/accounts/user/add/", form | {"hospital": hospital.pk})
    assert answer.status_code == 403
    assert not User.objects.filter(username="extra").exists()
    assert root_client.get("/admin/accounts/user/add/").status_code == 403


def test_nothing_can_be_changed_there(root_client, hospital, hospital_admin):
    answer = root_client.post(f"/admin/hospitals/hospital/{hospital.pk}/change/", {"name": "Renamed", "is_active": ""})
    assert answer.status_code == 403
    answer = root_client.post(f"/admin/accounts/user/{hospital_admin.pk}/change/", {"is_active": ""})
    assert answer.status_code == 403
    assert Hospital.objects.get(pk=hospital.pk).name == "City Clinic"
    assert User.objects.get(pk=hospital_admin.pk).is_active
    page = root_client.get(f"/admin/accounts/user/{hospital_admin.pk}/change/").content.decode()
    assert hospital_admin.password not in page  # the hash is not shown either


def test_no_password_is_changed_there_and_tokens_keep_their_meaning(root_client, root, hospital_admin, api_as):
    token_client = api_as(hospital_admin)
    new = {"password1": "x-new-long-pass-9", "password2": "x-new-long-pass-9"}
    assert root_client.post(f"/admin/accounts/user/{hospital_admin.pk}/password/", new).status_code != 200
    own = {"old_password": ROOT_PASSWORD, "new_password1": new["password1"], "new_password2": new["password1"]}
    assert root_client.post("/admin/password_change/", own).status_code == 404
    assert User.objects.get(pk=hospital_admin.pk).check_password(TEST_PASSWORD)
    assert User.objects.get(pk=root.pk).check_password(ROOT_PASSWORD)
    assert "password_change" not in root_client.get("/admin/").content.decode()
    assert token_client.get("/api/v1/me/").status_code == 200


def test_the_admin_logs_in_through_the_apps_audited_log_in_page(admin_enabled, client, root):
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/login/?next=/admin/"
    answer = client.post("/login/?next=/admin/", {"username": "OPERATOR", "password": ROOT_PASSWORD, "next": "/admin/"})
    assert answer["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=root).count() == 1


def test_the_admins_own_log_in_form_logs_nobody_in(admin_enabled, client, root):
    answer = client.post("/admin/login/", {"username": "operator", "password": ROOT_PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_failed_log_ins_on_the_way_to_the_admin_are_audited_and_locked_out(admin_enabled, client, root):
    for _ in range(5):
        client.post("/login/?next=/admin/", {"username": "operator", "password": "wrong-password", "next": "/admin/"})
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_username="operator").count() == 5
    assert AuditEvent.objects.filter(action="auth.lockout").count() == 1
    locked = client.post("/login/?next=/admin/", {"username": "operator", "password": ROOT_PASSWORD, "next": "/admin/"})
    assert locked.status_code == 429


def test_logging_out_of_the_admin_is_the_apps_audited_log_out(root_client, root):
    assert root_client.post("/admin/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=root).count() == 1
    assert root_client.get("/admin/")["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("fixture", ["hospital_admin", "doctor"])
def test_other_roles_are_refused_even_as_staff(admin_enabled, request, client, fixture):
    user = request.getfixturevalue(fixture)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client.force_login(user)
    assert client.get("/admin/", follow=True).status_code == 403
    assert client.get("/admin/accounts/user/").status_code in (302, 403)


def test_the_super_admin_sees_no_patient_names_or_medicines(admin_enabled, client, django_user_model):
    call_command("seed_demo")
    client.force_login(django_user_model.objects.get(username="demo_superadmin"))
    clinical_lists = [
        "patients/patient",
        "visits/visit",
        "visits/patientvitals",
        "consultations/consultationsession",
        "prescriptions/prescription",
        "prescriptions/prescriptionitem",
        "pharmacy/dispenserecord",
        "patients/patientallergy",
    ]
    for path in clinical_lists:
        answer = client.get(f"/admin/{path}/")
        assert answer.status_code == 200, path
        for health_data in ("Ramesh", "Amlodipine", "138/88", "Penicillin", "Atorvastatin", "Hypertension"):
            assert health_data not in answer.content.decode(), path
    patient = Patient.objects.filter(hospital__name=DEMO_HOSPITAL_NAME).first()
    detail = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    assert patient.full_name not in detail
    assert patient.mrn in detail
