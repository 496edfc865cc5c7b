"""Who may do what: every role and owner rule, in one place.

Each `can_*` function answers for a user inside their own hospital. Tenant
isolation comes first and is not a permission: an object of another hospital
is never loaded (hospital-scoped selectors), and `ensure_same_hospital` turns a
foreign object into NotFound, never PermissionDenied. State rules (a session that
is no longer open, a record already dispensed) are the services' business and
raise Conflict.

Web views and DRF permission classes call these functions; services call
`require(...)` with them so the rule also holds for any other caller.
"""

from typing import Any

from common.constants import HOSPITAL_STAFF_ROLES, Role
from common.exceptions import NotFound, PermissionDenied


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def has_role(user: Any, *roles: str) -> bool:
    return _role(user) in roles


def ensure_same_hospital(user: Any, obj: Any) -> None:
    """Objects of another hospital do not exist for the user (404, never 403)."""
    if obj is None or user.hospital_id is None or obj.hospital_id != user.hospital_id:
        raise NotFound()


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message)


# Platform ------------------------------------------------------------------


def can_manage_hospitals(user: Any) -> bool:
    return has_role(user, Role.SUPER_ADMIN)


def can_read_all_audit(user: Any) -> bool:
    return has_role(user, Role.SUPER_ADMIN)


def can_read_audit(user: Any) -> bool:
    """Super admins read every hospital's audit log, hospital admins their own (the selector scopes it)."""
    return has_role(user, Role.SUPER_ADMIN, Role.HOSPITAL_ADMIN)


def can_read_hospital_audit(user: Any, hospital: Any) -> bool:
    return has_role(user, Role.HOSPITAL_ADMIN) and user.hospital_id == hospital.pk


# Staff ----------------------------------------------------------------------


def can_manage_user(user: Any, target: Any) -> bool:
    """Super admins manage hospital admins; hospital admins manage their own hospital's staff."""
    if has_role(user, Role.SUPER_ADMIN):
        return target.role == Role.HOSPITAL_ADMIN
    if has_role(user, Role.HOSPITAL_ADMIN):
        return target.hospital_id == user.hospital_id and target.role in HOSPITAL_STAFF_ROLES
    return False


def can_create_user_with_role(user: Any, role: str) -> bool:
    if has_role(user, Role.SUPER_ADMIN):
        return role == Role.HOSPITAL_ADMIN
    if has_role(user, Role.HOSPITAL_ADMIN):
        return role in HOSPITAL_STAFF_ROLES
    return False


def can_manage_accounts(user: Any) -> bool:
    return has_role(user, Role.SUPER_ADMIN, Role.HOSPITAL_ADMIN)


def can_view_hospital_dashboard(user: Any) -> bool:
    return has_role(user, Role.HOSPITAL_ADMIN)


# Patients and visits ----------------------------------------------------------


def can_read_patients(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST, Role.DOCTOR)


def can_register_patient(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST)


def can_edit_patient(user: Any, patient: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST) and patient.hospital_id == user.hospital_id


def can_create_visit(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST)


def can_use_visits(user: Any) -> bool:
    """Roles that work with visits at all: the front desk (every visit) and doctors (their own)."""
    return has_role(user, Role.RECEPTIONIST, Role.DOCTOR)


def can_read_visit(user: Any, visit: Any) -> bool:
    if has_role(user, Role.RECEPTIONIST):
        return True
    return has_role(user, Role.DOCTOR) and visit.doctor_id == user.pk


def can_start_follow_up(user: Any, visit: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST)


def can_close_visit(user: Any, visit: Any) -> bool:
    if has_role(user, Role.RECEPTIONIST):
        return True
    return has_role(user, Role.DOCTOR) and visit.doctor_id == user.pk


# Consultations and prescriptions ----------------------------------------------


def can_see_queue(user: Any) -> bool:
    return has_role(user, Role.DOCTOR)


def can_open_session(user: Any, session: Any) -> bool:
    """Only the session's own doctor opens it, sees its prescription and completes it."""
    return has_role(user, Role.DOCTOR) and session.doctor_id == user.pk


can_complete_session = can_open_session
can_edit_prescription_in_session = can_open_session


def can_prescribe_for_visit(user: Any, visit: Any) -> bool:
    return has_role(user, Role.DOCTOR) and visit.doctor_id == user.pk


def can_use_prescriptions(user: Any) -> bool:
    """Roles that read prescriptions at all: doctors (their visits') and the pharmacy."""
    return has_role(user, Role.DOCTOR, Role.MEDICAL_STAFF)


def can_read_prescription(user: Any, prescription: Any) -> bool:
    if has_role(user, Role.MEDICAL_STAFF):
        return True
    return has_role(user, Role.DOCTOR) and prescription.visit.doctor_id == user.pk


# Pharmacy ---------------------------------------------------------------------


def can_use_pharmacy(user: Any) -> bool:
    return has_role(user, Role.MEDICAL_STAFF)


def can_print(user: Any, record: Any) -> bool:
    return has_role(user, Role.MEDICAL_STAFF)


def can_dispense(user: Any, record: Any) -> bool:
    return has_role(user, Role.MEDICAL_STAFF)
