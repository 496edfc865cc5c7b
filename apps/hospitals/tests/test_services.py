import pytest
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.hospitals.models import Hospital
from apps.hospitals.services import create_hospital, set_hospital_status, update_hospital
from apps.hospitals.tests.factories import HospitalFactory
from common.constants import Role
from common.exceptions import Invalid, PermissionDenied

pytestmark = pytest.mark.django_db
LIMITS = {"max_doctors": 3, "max_receptionists": 2, "max_medical_staff": 1}


def test_super_admin_creates_a_hospital_with_one_audit_event(super_admin):
    hospital = create_hospital(by=super_admin, name="  Sunrise   Clinic ", **LIMITS)
    assert (hospital.name, hospital.default_visit_validity_days, hospital.time_zone) == (
        "Sunrise Clinic",
        7,
        "Asia/Kolkata",
    )
    event = AuditEvent.objects.get(action="hospital.create")
    assert (event.hospital, event.actor) == (hospital, super_admin)


@pytest.mark.parametrize("role", [Role.HOSPITAL_ADMIN, Role.RECEPTIONIST, Role.DOCTOR, Role.MEDICAL_STAFF])
def test_only_the_super_admin_manages_hospitals(hospital, role):
    actor = UserFactory(hospital=hospital, role=role)
    with pytest.raises(PermissionDenied):
        create_hospital(by=actor, name="Mine", **LIMITS)
    with pytest.raises(PermissionDenied):
        update_hospital(by=actor, hospital=hospital, max_doctors=99)
    with pytest.raises(PermissionDenied):
        set_hospital_status(by=actor, hospital=hospital, is_active=False)


def test_a_duplicate_name_is_refused_case_insensitively(super_admin, hospital):
    with pytest.raises(Invalid) as error:
        create_hospital(by=super_admin, name=hospital.name.upper(), **LIMITS)
    assert error.value.errors == {"name": ["A hospital with this name already exists."]}


@pytest.mark.parametrize("days", [0, 366])
def test_validity_days_outside_1_to_365_is_refused(super_admin, days):
    with pytest.raises(Invalid) as error:
        create_hospital(by=super_admin, name="X", default_visit_validity_days=days, **LIMITS)
    assert "default_visit_validity_days" in error.value.errors
    assert not Hospital.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_unknown_time_zone_is_refused(super_admin):
    with pytest.raises(Invalid) as error:
        create_hospital(by=super_admin, name="X", time_zone="Mars/Olympus", **LIMITS)
    assert "time_zone" in error.value.errors


def test_update_records_only_what_changed(super_admin, hospital):
    update_hospital(by=super_admin, hospital=hospital, max_doctors=9, name=hospital.name)
    event = AuditEvent.objects.get(action="hospital.update")
    assert event.changes == {"max_doctors": [5, 9]}


def test_update_with_no_change_writes_nothing(super_admin, hospital):
    update_hospital(by=super_admin, hospital=hospital, max_doctors=hospital.max_doctors)
    assert not AuditEvent.objects.exists()


def test_lowering_a_limit_below_active_staff_keeps_them(super_admin, hospital):
    UserFactory.create_batch(3, hospital=hospital, role=Role.DOCTOR)
    update_hospital(by=super_admin, hospital=hospital, max_doctors=1)
    assert hospital.users.filter(role=Role.DOCTOR, is_active=True).count() == 3


def test_deactivation_is_audited_once(super_admin, hospital):
    set_hospital_status(by=super_admin, hospital=hospital, is_active=False)
    set_hospital_status(by=super_admin, hospital=hospital, is_active=False)
    assert AuditEvent.objects.filter(action="hospital.deactivate").count() == 1


class TestPages:
    def test_list_shows_limits_used_and_allowed(self, client, super_admin, hospital, doctor):
        client.force_login(super_admin)
        page = client.get(reverse("hospitals:list")).content.decode()
        assert hospital.name in page
        assert f"1 / {hospital.max_doctors}" in page

    @pytest.mark.parametrize("fixture", ["hospital_admin", "receptionist", "doctor", "medical_staff"])
    def test_other_roles_get_403(self, request, client, fixture):
        client.force_login(request.getfixturevalue(fixture))
        assert client.get(reverse("hospitals:list")).status_code == 403

    def test_create_keeps_input_and_shows_field_errors(self, client, super_admin):
        client.force_login(super_admin)
        data = {"name": "New Clinic", "max_doctors": "-1", "max_receptionists": "1", "max_medical_staff": "1"}
        data |= {"default_visit_validity_days": "7", "time_zone": "Asia/Kolkata"}
        page = client.post(reverse("hospitals:create"), data).content.decode()
        assert "greater than or equal to 0" in page
        assert 'value="New Clinic"' in page
        assert not Hospital.objects.filter(name="New Clinic").exists()

    def test_create_hospital_admin_from_the_hospital_page(self, client, super_admin, hospital):
        client.force_login(super_admin)
        data = {"username": "newadmin", "password": "long-enough-pass"}
        response = client.post(reverse("hospitals:create_admin", args=[hospital.pk]), data, follow=True)
        assert "Created hospital admin newadmin." in response.content.decode()
        assert hospital.users.get(username="newadmin").role == Role.HOSPITAL_ADMIN

    def test_unknown_hospital_is_404(self, client, super_admin):
        client.force_login(super_admin)
        assert client.get(reverse("hospitals:edit", args=[999999])).status_code == 404

    @pytest.mark.parametrize("rows", [1, 30])
    def test_list_makes_a_fixed_number_of_queries(self, client, super_admin, rows, django_assert_max_num_queries):
        HospitalFactory.create_batch(rows)
        client.force_login(super_admin)
        with django_assert_max_num_queries(6):
            assert client.get(reverse("hospitals:list")).status_code == 200
