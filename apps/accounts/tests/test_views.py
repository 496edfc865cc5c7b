import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.services import set_staff_status, update_staff_details
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.audit.models import AuditEvent
from apps.hospitals.services import set_hospital_status
from common.constants import Role

pytestmark = pytest.mark.django_db


def login(client, username, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


class TestLogin:
    @pytest.mark.parametrize(
        ("fixture", "home"),
        [
            ("super_admin", "/hospitals/"),
            ("hospital_admin", "/staff/"),
            ("receptionist", "/visits/"),
            ("doctor", "/consultations/queue/"),
            ("medical_staff", "/pharmacy/"),
        ],
    )
    def test_each_role_lands_on_its_own_page(self, request, client, fixture, home):
        user = request.getfixturevalue(fixture)
        assert login(client, user.username)["Location"] == "/"
        response = client.get("/")
        assert response["Location"] == home
        assert client.get(home).status_code == 200

    def test_login_is_audited_and_username_is_case_insensitive(self, client, doctor):
        assert login(client, "DOC").status_code == 302
        assert AuditEvent.objects.filter(action="auth.login", actor=doctor).count() == 1

    def test_failed_login_is_audited_with_the_username_tried(self, client, doctor):
        response = login(client, "doc", "wrong-password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
        event = AuditEvent.objects.get(action="auth.login_failed")
        assert (event.actor, event.actor_username, event.hospital_id) == (None, "doc", doctor.hospital_id)

    def test_logout_is_audited_and_ends_the_session(self, client, doctor):
        login(client, "doc")
        client.post(reverse("accounts:logout"))
        assert AuditEvent.objects.filter(action="auth.logout", actor=doctor).count() == 1
        assert client.get("/consultations/queue/").status_code == 302

    def test_an_inactive_user_cannot_log_in(self, client, hospital):
        UserFactory(hospital=hospital, role=Role.DOCTOR, username="gone", is_active=False)
        assert login(client, "gone").status_code == 200
        assert "_auth_user_id" not in client.session

    def test_a_user_of_an_inactive_hospital_cannot_log_in(self, client, doctor, hospital):
        hospital.is_active = False
        hospital.save()
        assert login(client, "doc").status_code == 200
        assert "_auth_user_id" not in client.session

    def test_deactivation_ends_an_open_session_at_once(self, client, hospital_admin, doctor):
        login(client, "doc")
        assert client.get("/consultations/queue/").status_code == 200
        set_staff_status(by=hospital_admin, user=doctor, is_active=False)
        assert client.get("/consultations/queue/")["Location"].startswith("/login/")

    def test_deactivating_the_hospital_ends_its_users_sessions(self, client, super_admin, doctor, hospital):
        login(client, "doc")
        set_hospital_status(by=super_admin, hospital=hospital, is_active=False)
        assert client.get("/consultations/queue/")["Location"].startswith("/login/")

    def test_a_password_change_ends_existing_sessions(self, client, hospital_admin, doctor):
        login(client, "doc")
        update_staff_details(by=hospital_admin, user=doctor, password="brand-new-password")
        assert client.get("/consultations/queue/")["Location"].startswith("/login/")


def test_createsuperuser_makes_a_super_admin_without_a_hospital(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "super-secret-pass")
    call_command("createsuperuser", interactive=False, username="platform", email="ops@example.org")
    user = User.objects.get(username="platform")
    assert (user.role, user.hospital, user.is_superuser) == (Role.SUPER_ADMIN, None, True)
    assert user.is_super_admin()


class TestStaffPages:
    def test_roster_shows_used_and_allowed_per_role(self, client, hospital_admin, doctor, hospital):
        client.force_login(hospital_admin)
        page = client.get(reverse("accounts:staff")).content.decode()
        assert f"1 / {hospital.max_doctors}" in page
        assert doctor.username in page

    @pytest.mark.parametrize("fixture", ["receptionist", "doctor", "medical_staff", "super_admin"])
    def test_other_roles_get_403(self, request, client, fixture):
        client.force_login(request.getfixturevalue(fixture))
        assert client.get(reverse("accounts:staff")).status_code == 403
        assert client.get(reverse("accounts:staff_create")).status_code == 403

    def test_another_hospitals_user_is_404(self, client, hospital_admin, other_hospital):
        stranger = UserFactory(hospital=other_hospital, role=Role.DOCTOR)
        client.force_login(hospital_admin)
        assert client.get(reverse("accounts:staff_edit", args=[stranger.pk])).status_code == 404
        response = client.post(reverse("accounts:staff_status", args=[stranger.pk]), {"is_active": "0"})
        assert response.status_code == 404
        stranger.refresh_from_db()
        assert stranger.is_active

    def test_create_staff_beyond_the_limit_shows_the_message_and_keeps_input(self, client, hospital_admin, hospital):
        hospital.max_doctors = 0
        hospital.save()
        client.force_login(hospital_admin)
        data = {"role": Role.DOCTOR, "username": "newdoc", "first_name": "Ravi", "password": "long-enough-pass"}
        response = client.post(reverse("accounts:staff_create"), data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "may not have any active doctor" in page
        assert 'value="Ravi"' in page
        assert not User.objects.filter(username="newdoc").exists()

    def test_create_staff_with_a_weak_password_shows_the_error_next_to_the_field(self, client, hospital_admin):
        client.force_login(hospital_admin)
        data = {"role": Role.DOCTOR, "username": "newdoc", "password": "short"}
        page = client.post(reverse("accounts:staff_create"), data).content.decode()
        assert "This password is too short" in page
        assert 'value="newdoc"' in page

    def test_create_staff_succeeds_with_a_message(self, client, hospital_admin):
        client.force_login(hospital_admin)
        data = {"role": Role.RECEPTIONIST, "username": "desk2", "password": "long-enough-pass"}
        response = client.post(reverse("accounts:staff_create"), data, follow=True)
        assert "Created desk2." in response.content.decode()

    def test_deactivate_shows_a_message(self, client, hospital_admin, doctor):
        client.force_login(hospital_admin)
        response = client.post(reverse("accounts:staff_status", args=[doctor.pk]), {"is_active": "0"}, follow=True)
        assert "doc is now inactive." in response.content.decode()

    @pytest.mark.parametrize("rows", [1, 30])
    def test_roster_makes_a_fixed_number_of_queries(
        self, client, hospital_admin, hospital, rows, django_assert_max_num_queries
    ):
        hospital.max_doctors = 50
        hospital.save()
        UserFactory.create_batch(rows, hospital=hospital, role=Role.DOCTOR)
        client.force_login(hospital_admin)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("accounts:staff")).status_code == 200


@pytest.mark.parametrize(
    ("fixture", "links"),
    [
        ("super_admin", ["hospitals:list", "hospitals:create"]),
        ("hospital_admin", ["opd:dashboard", "accounts:staff", "accounts:staff_create"]),
        ("receptionist", ["visits:front_desk", "patients:create"]),
        ("doctor", ["opd:queue"]),
        ("medical_staff", ["pharmacy:list"]),
    ],
)
def test_the_layout_shows_who_is_logged_in_and_their_roles_navigation(request, client, fixture, links):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    page = client.get("/", follow=True).content.decode()
    assert user.get_role_display() in page
    if user.hospital:
        assert user.hospital.name in page
    for name in links:
        assert f'href="{reverse(name)}"' in page
    assert "js/app.js" in page
    assert 'aria-current="page"' in page


@pytest.mark.django_db
def test_a_status_switch_that_is_neither_1_nor_0_changes_nothing(client, hospital_admin, receptionist):
    """Issue 14 §12 (found by tests/test_hostile_input.py): anything but "1" used to deactivate."""
    client.force_login(hospital_admin)
    url = reverse("accounts:staff_status", args=[receptionist.pk])
    response = client.post(url, {"is_active": "\u200b"}, follow=True)
    receptionist.refresh_from_db()
    assert receptionist.is_active
    assert "Send is_active as 1 or 0." in response.content.decode()
