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


# Every role-level answer of common.permissions (functions called without an object): the table
# of its docstring, as data. A guard below fails when a function is missing here.
SA, HA, DESK, DOCTOR, PHARMACY = (
    Role.SUPER_ADMIN,
    Role.HOSPITAL_ADMIN,
    Role.RECEPTIONIST,
    Role.DOCTOR,
    Role.MEDICAL_STAFF,
)
ROLE_TABLE = [
    (p.can_manage_hospitals, {SA}),
    (p.can_read_audit, {SA, HA}),
    (p.can_read_all_audit, {SA}),
    (p.can_list_accounts, {SA, HA}),
    (p.can_manage_staff, {HA}),
    (p.can_view_hospital_dashboard, {HA}),
    (p.can_search_patients, {DESK, DOCTOR}),
    (p.can_register_patient, {DESK}),
    (p.can_edit_patient, {DESK}),
    (p.can_record_allergies, {DESK, DOCTOR}),
    (p.can_read_allergies, {DESK, DOCTOR, PHARMACY}),
    (p.can_edit_doctor_profile, {HA}),
    (p.can_create_visit, {DESK}),
    (p.can_read_visit, {DESK, DOCTOR}),
    (p.can_start_follow_up, {DESK}),
    (p.can_close_visit, {DESK, DOCTOR}),
    (p.can_see_queue, {DOCTOR}),
    (p.can_view_session, {DOCTOR}),
    (p.can_start_session, {DOCTOR}),
    (p.can_complete_session, {DOCTOR}),
    (p.can_change_prescription, {DOCTOR}),
    (p.can_call_patients, {DOCTOR}),
    (p.can_arrange_queue, {DESK}),
    (p.can_manage_displays, {HA}),
    (p.can_read_prescription, {DOCTOR, PHARMACY}),
    (p.can_manage_formulary, {HA}),
    (p.can_read_formulary, {HA, DOCTOR}),
    (p.can_read_record, {DOCTOR}),
    (p.can_write_record, {DOCTOR}),
    (p.can_search_icd10, {DOCTOR}),
    (p.can_read_pick_lists, {DOCTOR, HA}),
    (p.can_manage_pick_lists, {HA}),
    (p.can_view_dispense_records, {PHARMACY}),
    (p.can_print_prescription, {PHARMACY}),
    (p.can_dispense, {PHARMACY}),
    (p.can_read_bills, {HA, DESK}),
    (p.can_bill, {DESK}),
    (p.can_give_discount, {HA, DESK}),
    (p.can_cancel_bill, {HA, DESK}),
    (p.can_refund, {HA}),
    (p.can_close_day, {HA, DESK}),
    (p.can_view_all_cash, {HA}),
    (p.can_manage_billing, {HA}),
]
# Answered only with their object: whom to manage, which role to create (tested below).
WITH_AN_OBJECT = {p.can_manage_user, p.can_create_user_with_role}


@pytest.mark.parametrize(("check", "allowed"), ROLE_TABLE, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_table(check, allowed, role):
    assert check(user(role)) is (role in allowed)


@pytest.mark.parametrize("check", [t[0] for t in ROLE_TABLE])
def test_an_inactive_user_may_do_nothing(check):
    for role in ALL_ROLES:
        assert check(user(role, is_active=False)) is False


def test_every_permission_function_is_in_the_table():
    functions = {f for name, f in vars(p).items() if name.startswith("can_") and callable(f)}
    assert functions == {check for check, _ in ROLE_TABLE} | WITH_AN_OBJECT
    assert len({check.__name__ for check in functions}) == len(functions), "no aliases"


@pytest.mark.parametrize(
    "check",
    [p.can_view_session, p.can_start_session, p.can_complete_session, p.can_change_prescription, p.can_call_patients],
)
def test_only_the_sessions_own_doctor_works_in_it(check):
    session = SimpleNamespace(doctor_id=1)
    assert check(user(Role.DOCTOR, pk=1), session)
    assert not check(user(Role.DOCTOR, pk=2), session)
    assert not check(user(Role.RECEPTIONIST, pk=1), session)


def test_a_doctor_reads_the_visits_and_prescriptions_of_their_own_visits_and_the_pharmacy_every_prescription():
    visit = SimpleNamespace(doctor_id=1)
    prescription = SimpleNamespace(visit=visit)
    assert p.can_read_visit(user(Role.DOCTOR, pk=1), visit)
    assert not p.can_read_visit(user(Role.DOCTOR, pk=2), visit)
    assert p.can_read_visit(user(Role.RECEPTIONIST, pk=2), visit)
    assert p.can_read_prescription(user(Role.DOCTOR, pk=1), prescription)
    assert not p.can_read_prescription(user(Role.DOCTOR, pk=2), prescription)
    assert p.can_read_prescription(user(Role.MEDICAL_STAFF, pk=2), prescription)


def test_who_creates_which_role():
    assert p.can_create_user_with_role(user(Role.SUPER_ADMIN), Role.HOSPITAL_ADMIN)
    assert not p.can_create_user_with_role(user(Role.SUPER_ADMIN), Role.DOCTOR)
    assert p.can_create_user_with_role(user(Role.HOSPITAL_ADMIN), Role.DOCTOR)
    assert not p.can_create_user_with_role(user(Role.HOSPITAL_ADMIN), Role.HOSPITAL_ADMIN)
    assert not p.can_create_user_with_role(user(Role.RECEPTIONIST), Role.DOCTOR)


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
