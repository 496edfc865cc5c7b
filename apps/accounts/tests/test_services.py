import pytest

from apps.accounts.models import User
from apps.accounts.services import can_create_staff, create_staff_user, set_staff_status, update_staff_details
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.hospitals.tests.factories import HospitalFactory
from common.constants import Role
from common.exceptions import Conflict, Invalid, NotFound, PermissionDenied
from common.testing import REFUSED, run_concurrently

PASSWORD = "a-long-enough-pass"


def create(by, hospital, role=Role.DOCTOR, username="newdoc", **extra):
    return create_staff_user(by=by, hospital=hospital, role=role, username=username, password=PASSWORD, **extra)


@pytest.mark.django_db
class TestStaffLimits:
    def test_can_create_staff_while_active_count_is_below_the_limit(self, hospital):
        hospital.max_doctors = 2
        UserFactory(hospital=hospital, role=Role.DOCTOR)
        assert can_create_staff(hospital, Role.DOCTOR)
        UserFactory(hospital=hospital, role=Role.DOCTOR)
        assert not can_create_staff(hospital, Role.DOCTOR)

    def test_inactive_staff_do_not_count_against_the_limit(self, hospital):
        hospital.max_receptionists = 1
        UserFactory(hospital=hospital, role=Role.RECEPTIONIST, is_active=False)
        assert can_create_staff(hospital, Role.RECEPTIONIST)

    def test_a_limit_of_zero_allows_none(self, hospital_admin, hospital):
        hospital.max_medical_staff = 0
        hospital.save()
        assert not can_create_staff(hospital, Role.MEDICAL_STAFF)
        with pytest.raises(Conflict, match="may not have any active medical staff"):
            create(hospital_admin, hospital, Role.MEDICAL_STAFF)

    def test_creating_beyond_the_limit_is_refused_with_the_limit_in_the_message(self, hospital_admin, hospital):
        hospital.max_doctors = 3
        hospital.save()
        for n in range(3):
            create(hospital_admin, hospital, username=f"doc{n}")
        with pytest.raises(Conflict, match=r"This hospital may have at most 3 active doctors\."):
            create(hospital_admin, hospital, username="doc4")
        assert not User.objects.filter(username="doc4").exists()

    def test_reactivating_beyond_the_limit_is_refused(self, hospital_admin, hospital):
        hospital.max_doctors = 1
        hospital.save()
        sleeping = UserFactory(hospital=hospital, role=Role.DOCTOR, is_active=False)
        create(hospital_admin, hospital)
        with pytest.raises(Conflict, match="at most 1 active doctor"):
            set_staff_status(by=hospital_admin, user=sleeping, is_active=True)
        sleeping.refresh_from_db()
        assert not sleeping.is_active

    def test_deactivating_frees_a_place(self, hospital_admin, hospital):
        hospital.max_doctors = 1
        hospital.save()
        first = create(hospital_admin, hospital, username="first")
        set_staff_status(by=hospital_admin, user=first, is_active=False)
        assert create(hospital_admin, hospital, username="second").is_active

    def test_hospital_admins_are_not_limited(self, super_admin, hospital):
        for n in range(4):
            create(super_admin, hospital, Role.HOSPITAL_ADMIN, username=f"admin{n}")


@pytest.mark.django_db
class TestWhoCreatesWhom:
    def test_super_admin_creates_hospital_admins_only(self, super_admin, hospital):
        assert create(super_admin, hospital, Role.HOSPITAL_ADMIN).role == Role.HOSPITAL_ADMIN
        with pytest.raises(PermissionDenied):
            create(super_admin, hospital, Role.DOCTOR, username="x")

    def test_hospital_admin_cannot_create_another_hospital_admin(self, hospital_admin, hospital):
        with pytest.raises(PermissionDenied):
            create(hospital_admin, hospital, Role.HOSPITAL_ADMIN)

    def test_hospital_admin_cannot_create_staff_in_another_hospital(self, hospital_admin, other_hospital):
        with pytest.raises(NotFound):
            create(hospital_admin, other_hospital)
        assert not User.objects.filter(hospital=other_hospital).exists()

    @pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.DOCTOR, Role.MEDICAL_STAFF])
    def test_clinical_staff_cannot_create_accounts(self, request, hospital, role):
        actor = UserFactory(hospital=hospital, role=role)
        with pytest.raises(PermissionDenied):
            create(actor, hospital)

    def test_hospital_admin_cannot_touch_another_hospitals_user(self, hospital_admin, other_hospital):
        stranger = UserFactory(hospital=other_hospital, role=Role.DOCTOR)
        with pytest.raises(NotFound):
            set_staff_status(by=hospital_admin, user=stranger, is_active=False)
        with pytest.raises(NotFound):
            update_staff_details(by=hospital_admin, user=stranger, username="mine")


@pytest.mark.django_db
class TestAccountDetails:
    def test_usernames_are_unique_case_insensitively(self, hospital_admin, hospital):
        create(hospital_admin, hospital, username="Ravi")
        with pytest.raises(Invalid) as error:
            create(hospital_admin, hospital, username="ravi")
        assert "username" in error.value.errors

    def test_a_short_password_is_refused(self, hospital_admin, hospital):
        with pytest.raises(Invalid) as error:
            create_staff_user(by=hospital_admin, hospital=hospital, role=Role.DOCTOR, username="d", password="short1")
        assert "password" in error.value.errors

    def test_a_failed_creation_writes_neither_user_nor_audit_event(self, hospital_admin, hospital):
        before = AuditEvent.objects.count()
        with pytest.raises(Invalid):
            create_staff_user(by=hospital_admin, hospital=hospital, role=Role.DOCTOR, username="d", password="x")
        assert AuditEvent.objects.count() == before
        assert not User.objects.filter(username="d").exists()

    def test_creation_writes_one_audit_event_without_the_password(self, hospital_admin, hospital):
        user = create(hospital_admin, hospital)
        event = AuditEvent.objects.get(action="user.create")
        assert (event.actor, event.hospital, event.object_id) == (hospital_admin, hospital, str(user.pk))
        assert PASSWORD not in str(event.changes)

    def test_update_records_before_and_after(self, hospital_admin, doctor):
        update_staff_details(by=hospital_admin, user=doctor, username="dr_asha")
        event = AuditEvent.objects.get(action="user.update")
        assert event.changes == {"username": ["doc", "dr_asha"]}

    def test_password_change_is_its_own_audit_action_and_never_recorded(self, hospital_admin, doctor):
        update_staff_details(by=hospital_admin, user=doctor, password="another-long-one")
        event = AuditEvent.objects.get(action="user.password_change")
        assert "another-long-one" not in str(event.changes)
        doctor.refresh_from_db()
        assert doctor.check_password("another-long-one")

    def test_an_admin_cannot_deactivate_themself(self, super_admin, hospital):
        admin = create(super_admin, hospital, Role.HOSPITAL_ADMIN)
        with pytest.raises(PermissionDenied):
            set_staff_status(by=admin, user=admin, is_active=False)

    @pytest.mark.parametrize(("is_active", "action"), [(False, "user.deactivate"), (True, "user.activate")])
    def test_status_changes_are_audited(self, hospital_admin, hospital, is_active, action):
        member = UserFactory(hospital=hospital, role=Role.RECEPTIONIST, is_active=not is_active)
        set_staff_status(by=hospital_admin, user=member, is_active=is_active)
        assert AuditEvent.objects.filter(action=action, object_id=str(member.pk)).count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_staff_creations_never_pass_the_limit():
    hospital = HospitalFactory(max_doctors=3)
    admin = UserFactory(hospital=hospital, role=Role.HOSPITAL_ADMIN)
    outcomes = run_concurrently(8, lambda n: create(admin, hospital, username=f"racer{n}").is_active)
    assert sorted(outcomes, key=str) == [True] * 3 + [REFUSED] * 5
    assert User.objects.filter(hospital=hospital, role=Role.DOCTOR, is_active=True).count() == 3
