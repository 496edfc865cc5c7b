"""The role table of SPEC §1, one row per permission function."""

from types import SimpleNamespace

import pytest

from common import permissions as p
from common.constants import Role
from common.exceptions import NotFound

ALL_ROLES = list(Role)


def user(role, *, pk=1, hospital_id=10, is_active=True):
    hospital = None if role == Role.SUPER_ADMIN else hospital_id
    return SimpleNamespace(pk=pk, role=role, hospital_id=hospital, is_active=is_active, is_authenticated=True)


# function, argument builder, roles that may
ROLE_TABLE = [
    (p.can_manage_hospitals, lambda u: (u,), {Role.SUPER_ADMIN}),
    (p.can_read_all_audit, lambda u: (u,), {Role.SUPER_ADMIN}),
    (p.can_view_hospital_dashboard, lambda u: (u,), {Role.HOSPITAL_ADMIN}),
    (p.can_read_patients, lambda u: (u,), {Role.RECEPTIONIST, Role.DOCTOR}),
    (p.can_register_patient, lambda u: (u,), {Role.RECEPTIONIST}),
    (p.can_create_visit, lambda u: (u,), {Role.RECEPTIONIST}),
    (p.can_see_queue, lambda u: (u,), {Role.DOCTOR}),
    (p.can_use_pharmacy, lambda u: (u,), {Role.MEDICAL_STAFF}),
    (p.can_dispense, lambda u: (u, None), {Role.MEDICAL_STAFF}),
    (p.can_print, lambda u: (u, None), {Role.MEDICAL_STAFF}),
]


@pytest.mark.parametrize(("check", "args", "allowed"), ROLE_TABLE, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_table(check, args, allowed, role):
    assert check(*args(user(role))) is (role in allowed)


@pytest.mark.parametrize("check", [t[0] for t in ROLE_TABLE])
def test_an_inactive_user_may_do_nothing(check):
    for role in ALL_ROLES:
        args = (user(role, is_active=False),) + ((None,) if check in (p.can_dispense, p.can_print) else ())
        assert check(*args) is False


def test_only_the_sessions_own_doctor_opens_it():
    session = SimpleNamespace(doctor_id=1)
    assert p.can_open_session(user(Role.DOCTOR, pk=1), session)
    assert not p.can_open_session(user(Role.DOCTOR, pk=2), session)
    assert not p.can_open_session(user(Role.RECEPTIONIST, pk=1), session)


def test_a_visit_is_closed_by_the_front_desk_or_its_own_doctor():
    visit = SimpleNamespace(doctor_id=1)
    assert p.can_close_visit(user(Role.RECEPTIONIST, pk=5), visit)
    assert p.can_close_visit(user(Role.DOCTOR, pk=1), visit)
    assert not p.can_close_visit(user(Role.DOCTOR, pk=2), visit)
    assert not p.can_close_visit(user(Role.MEDICAL_STAFF, pk=1), visit)


@pytest.mark.parametrize(
    ("actor", "target_role", "target_hospital", "allowed"),
    [
        (Role.SUPER_ADMIN, Role.HOSPITAL_ADMIN, 10, True),
        (Role.SUPER_ADMIN, Role.DOCTOR, 10, False),
        (Role.HOSPITAL_ADMIN, Role.DOCTOR, 10, True),
        (Role.HOSPITAL_ADMIN, Role.MEDICAL_STAFF, 10, True),
        (Role.HOSPITAL_ADMIN, Role.DOCTOR, 99, False),
        (Role.HOSPITAL_ADMIN, Role.HOSPITAL_ADMIN, 10, False),
        (Role.RECEPTIONIST, Role.DOCTOR, 10, False),
    ],
)
def test_who_manages_whom(actor, target_role, target_hospital, allowed):
    target = SimpleNamespace(role=target_role, hospital_id=target_hospital)
    assert p.can_manage_user(user(actor), target) is allowed


def test_an_object_of_another_hospital_is_not_found_never_forbidden():
    with pytest.raises(NotFound):
        p.ensure_same_hospital(user(Role.DOCTOR, hospital_id=10), SimpleNamespace(hospital_id=11))
    p.ensure_same_hospital(user(Role.DOCTOR, hospital_id=10), SimpleNamespace(hospital_id=10))


def test_a_super_admin_belongs_to_no_hospital_so_sees_no_hospital_object():
    with pytest.raises(NotFound):
        p.ensure_same_hospital(user(Role.SUPER_ADMIN), SimpleNamespace(hospital_id=None))
