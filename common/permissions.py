"""Who may do what: every role and owner rule, in one place.

Each `can_<action>` function is named after the action it guards and answers for a
user inside their own hospital. Tenant isolation comes first and is not a
permission: an object of another hospital is never loaded (hospital-scoped
selectors), and `ensure_same_hospital` turns a foreign object into NotFound, never
PermissionDenied. State rules (a session that is no longer open, a record already
dispensed) are the services' business and raise Conflict.

Web views (`role_check`) and DRF permission classes (`role_permission`) call these
functions without an object, as the gate of a page or endpoint; services call
`require(...)` with the object, so the owner rule also holds for any other caller.

| action                              | SA | HA | desk | doctor       | pharmacy |
|-------------------------------------|----|----|------|--------------|----------|
| manage hospitals                    | ✓  |    |      |              |          |
| read the audit log (all / own)      | ✓  | ✓  |      |              |          |
| list, create, manage accounts       | ✓¹ | ✓² |      |              |          |
| staff roster pages, Today dashboard |    | ✓  |      |              |          |
| edit a doctor's profile (reg. no.)  |    | ✓  |      |              |          |
| search patients, open a chart       |    |    | ✓    | ✓            |          |
| register / edit a patient           |    |    | ✓    |              |          |
| record / retire allergies           |    |    | ✓    | ✓            |          |
| read allergies and conditions       |    |    | ✓    | ✓            | ✓        |
| create a visit, start a follow-up   |    |    | ✓    |              |          |
| read / close a visit                |    |    | ✓    | own visits   |          |
| see the queue                       |    |    |      | ✓ (own)      |          |
| view / start / complete a session   |    |    |      | own sessions |          |
| change a prescription               |    |    |      | own sessions |          |
| read / write the consultation record |   |    |      | own sessions |          |
| search ICD-10                       |    |    |      | ✓            |          |
| read the hospital's pick lists      |    | ✓  |      | ✓            |          |
| edit pick lists and ICD shorthand   |    | ✓  |      |              |          |
| call next, recall, skip a token     |    |    |      | own queue    |          |
| queue priority, move, requeue       |    |    | ✓    |              |          |
| waiting-room display keys           |    | ✓  |      |              |          |
| read a prescription                 |    |    |      | own visits   | ✓        |
| edit, import, export the formulary  |    | ✓  |      |              |          |
| read and search the formulary       |    | ✓  |      | ✓            |          |
| dispense records, print, dispense   |    |    |      |              | ✓        |
| read bills, the day's cash (own)    |    | ✓  | ✓    |              |          |
| bill, charge, take payments         |    |    | ✓    |              |          |
| discount (as the hospital allows)   |    | ✓³ | ✓³   |              |          |
| cancel a bill, close one's day      |    | ✓  | ✓    |              |          |
| refund; every user's day; fees/price list |  | ✓ |   |              |          |

¹ hospital admins only. ² the hospital's doctors, receptionists and medical staff.
³ each as the hospital's billing settings allow (`BillingSettings.discount_roles`).
`common/tests/test_permissions.py` holds the same table as data and checks every function.
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
    """Create, edit, activate and deactivate hospitals; add their hospital admins."""
    return has_role(user, Role.SUPER_ADMIN)


def can_read_audit(user: Any) -> bool:
    """Open the audit log and export it (the selector scopes a hospital admin to their hospital)."""
    return has_role(user, Role.SUPER_ADMIN, Role.HOSPITAL_ADMIN)


def can_read_all_audit(user: Any) -> bool:
    """Read every hospital's audit events, not only one's own hospital's."""
    return has_role(user, Role.SUPER_ADMIN)


# Staff ----------------------------------------------------------------------


def can_list_accounts(user: Any) -> bool:
    """Reach the accounts API: a super admin's hospital admins, a hospital admin's own staff."""
    return has_role(user, Role.SUPER_ADMIN, Role.HOSPITAL_ADMIN)


def can_create_user_with_role(user: Any, role: str) -> bool:
    if has_role(user, Role.SUPER_ADMIN):
        return role == Role.HOSPITAL_ADMIN
    if has_role(user, Role.HOSPITAL_ADMIN):
        return role in HOSPITAL_STAFF_ROLES
    return False


def can_manage_user(user: Any, target: Any) -> bool:
    """Edit, activate or deactivate `target`: super admins their hospital admins, hospital admins their own staff."""
    if has_role(user, Role.SUPER_ADMIN):
        return target.role == Role.HOSPITAL_ADMIN
    if has_role(user, Role.HOSPITAL_ADMIN):
        return target.hospital_id == user.hospital_id and target.role in HOSPITAL_STAFF_ROLES
    return False


def can_manage_staff(user: Any) -> bool:
    """The staff roster pages: list, add, edit, activate and deactivate the hospital's staff."""
    return has_role(user, Role.HOSPITAL_ADMIN)


def can_edit_doctor_profile(user: Any) -> bool:
    """A doctor's qualification, registration council and number, signature text (SPEC §9): the hospital admin."""
    return has_role(user, Role.HOSPITAL_ADMIN)


def can_view_hospital_dashboard(user: Any) -> bool:
    """The hospital admin's "Today" page."""
    return has_role(user, Role.HOSPITAL_ADMIN)


# Patients and visits ----------------------------------------------------------


def can_search_patients(user: Any) -> bool:
    """Search patients and open a patient's chart (the front desk page, the patients API)."""
    return has_role(user, Role.RECEPTIONIST, Role.DOCTOR)


def can_register_patient(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST)


def can_edit_patient(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST)


def can_record_allergies(user: Any) -> bool:
    """Record or retire a patient's allergies and chronic conditions: the front desk or any doctor (SPEC §9)."""
    return has_role(user, Role.RECEPTIONIST, Role.DOCTOR)


def can_read_allergies(user: Any) -> bool:
    """Read a patient's allergies and conditions: who records them, and the pharmacy that dispenses (SPEC §1)."""
    return has_role(user, Role.RECEPTIONIST, Role.DOCTOR, Role.MEDICAL_STAFF)


def can_create_visit(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST)


def can_read_visit(user: Any, visit: Any = None) -> bool:
    """The front desk reads every visit, a doctor their own; without a visit: may read some visit at all."""
    if has_role(user, Role.RECEPTIONIST):
        return True
    return _is_the_doctor_of(user, visit)


def can_start_follow_up(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST)


def can_close_visit(user: Any, visit: Any = None) -> bool:
    """The front desk closes any visit, a doctor their own; without a visit: may close some visit at all."""
    if has_role(user, Role.RECEPTIONIST):
        return True
    return _is_the_doctor_of(user, visit)


# Consultations and prescriptions ----------------------------------------------
# Without the object these answer "may this role ever do it" (a page's or endpoint's gate);
# with it, the owner rule: only the session's (the visit's) own doctor.


def can_see_queue(user: Any) -> bool:
    """A doctor's own queue of waiting patients."""
    return has_role(user, Role.DOCTOR)


def can_view_session(user: Any, session: Any = None) -> bool:
    """Read a consultation session: patient, vitals, history, prescription."""
    return _is_the_doctor_of(user, session)


def can_start_session(user: Any, session: Any = None) -> bool:
    return _is_the_doctor_of(user, session)


def can_complete_session(user: Any, session: Any = None) -> bool:
    return _is_the_doctor_of(user, session)


def can_change_prescription(user: Any, session: Any = None) -> bool:
    """Add or stop medicines, in an open session of one's own (the open state is the service's rule)."""
    return _is_the_doctor_of(user, session)


def can_read_prescription(user: Any, prescription: Any = None) -> bool:
    """The pharmacy reads every prescription, a doctor those of their own visits."""
    if has_role(user, Role.MEDICAL_STAFF):
        return True
    return _is_the_doctor_of(user, prescription.visit if prescription is not None else None)


def can_read_record(user: Any, session: Any = None) -> bool:
    """Read a session's consultation record (complaints, diagnoses, …): its own doctor."""
    return _is_the_doctor_of(user, session)


def can_write_record(user: Any, session: Any = None) -> bool:
    """Write the consultation record of one's own session (the open, started state is the service's rule)."""
    return _is_the_doctor_of(user, session)


def can_search_icd10(user: Any) -> bool:
    """Search the ICD-10 code list (with the hospital's shorthand) to write a diagnosis."""
    return has_role(user, Role.DOCTOR)


def can_read_pick_lists(user: Any) -> bool:
    """The hospital's complaint, test and advice lists and its ICD shorthand: the doctor picks, the admin edits."""
    return has_role(user, Role.DOCTOR, Role.HOSPITAL_ADMIN)


def can_manage_pick_lists(user: Any) -> bool:
    """Add to or retire from the hospital's complaint, test and advice lists and its ICD shorthand."""
    return has_role(user, Role.HOSPITAL_ADMIN)


def can_call_patients(user: Any, session: Any = None) -> bool:
    """Call the next token of one's own queue, recall or skip a token one called (SPEC §11)."""
    return _is_the_doctor_of(user, session)


def can_arrange_queue(user: Any) -> bool:
    """The front desk's part of the queue: priority, moving a waiting patient to another doctor, requeueing."""
    return has_role(user, Role.RECEPTIONIST)


def can_manage_displays(user: Any) -> bool:
    """Create, name and revoke the hospital's waiting-room display keys; choose whether displays show initials."""
    return has_role(user, Role.HOSPITAL_ADMIN)


def _is_the_doctor_of(user: Any, obj: Any) -> bool:
    """A doctor, and, when `obj` (a visit or session) is given, its own doctor."""
    return has_role(user, Role.DOCTOR) and (obj is None or obj.doctor_id == user.pk)


# Formulary (SPEC §10) -----------------------------------------------------------


def can_manage_formulary(user: Any, entry: Any = None) -> bool:
    """Add and edit the hospital's medicines, import and export its CSV."""
    return has_role(user, Role.HOSPITAL_ADMIN)


def can_read_formulary(user: Any, entry: Any = None) -> bool:
    """List and search the hospital's medicines: its admin, and the doctors who prescribe from it."""
    return has_role(user, Role.HOSPITAL_ADMIN, Role.DOCTOR)


# Pharmacy ---------------------------------------------------------------------


def can_view_dispense_records(user: Any) -> bool:
    """The pharmacy's list, a record with its prescription, the print view and the labels."""
    return has_role(user, Role.MEDICAL_STAFF)


def can_print_prescription(user: Any) -> bool:
    return has_role(user, Role.MEDICAL_STAFF)


def can_dispense(user: Any) -> bool:
    return has_role(user, Role.MEDICAL_STAFF)


# Billing (SPEC §12) ------------------------------------------------------------


def can_read_bills(user: Any) -> bool:
    """Bills and receipts of the hospital, and one's own day's cash."""
    return has_role(user, Role.RECEPTIONIST, Role.HOSPITAL_ADMIN)


def can_bill(user: Any) -> bool:
    """Create a bill for a visit, add extra charges, take payments: the front desk."""
    return has_role(user, Role.RECEPTIONIST)


def can_give_discount(user: Any, billing_settings: Any = None) -> bool:
    """Without the settings: a role that may ever discount; with them, as the hospital allows."""
    if billing_settings is None:
        return has_role(user, Role.RECEPTIONIST, Role.HOSPITAL_ADMIN)
    return _role(user) in billing_settings.discount_roles()


def can_cancel_bill(user: Any) -> bool:
    return has_role(user, Role.RECEPTIONIST, Role.HOSPITAL_ADMIN)


def can_refund(user: Any) -> bool:
    """Money goes back out only by the hospital admin."""
    return has_role(user, Role.HOSPITAL_ADMIN)


def can_close_day(user: Any) -> bool:
    """Close one's own day's cash (everyone who takes or refunds money)."""
    return has_role(user, Role.RECEPTIONIST, Role.HOSPITAL_ADMIN)


def can_view_all_cash(user: Any) -> bool:
    """Every user's day's cash and who has not closed it."""
    return has_role(user, Role.HOSPITAL_ADMIN)


def can_manage_billing(user: Any) -> bool:
    """Fees, the follow-up rule, payment before consultation, who discounts, the price list."""
    return has_role(user, Role.HOSPITAL_ADMIN)
