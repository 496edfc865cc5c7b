"""Every API error carries a stable `code` beside `detail` (SPEC §8): integrators branch on it, never on English.

One table: each row provokes one error through the API, as a user of the demo-like world, and names
the status and code it must answer with. Guards make sure that each code of the domain's hierarchy
is documented in the OpenAPI schema and that no error class escapes common.exceptions.
"""

import pytest

from apps.accounts.tests.factories import UserFactory
from common import exceptions
from common.api import error_codes
from common.constants import Role
from tests.api_world import MEDICINE, build_world

pytestmark = pytest.mark.django_db


def item(w, **extra):
    return {**MEDICINE, "session": w.session.pk, "medicine_name": "Cetirizine"} | extra


def _arranged(w, arrange, path: str) -> str:
    """A row whose state is arranged first (through the services), then the path it calls."""
    arrange(w)
    return path


def _require_payment(w):
    from apps.billing.services import update_billing_settings

    update_billing_settings(by=w.hospital_admin, require_payment_before_consultation=True)


def _cancel_bill(w):
    from apps.billing.services import cancel_bill

    cancel_bill(by=w.receptionist, bill=w.bill, reason="Billed in error")


def _close_day(w):
    from apps.billing.services import close_day

    close_day(by=w.receptionist)


PAY = {"amount": "100.00", "mode": "cash"}

# (why, role, method, path(w), body(w) or None, status, code)
ERRORS = [
    ("no credentials", None, "GET", lambda w: "/me/", None, 401, "not_authenticated"),
    ("a token that is not one", "bad token", "GET", lambda w: "/me/", None, 401, "authentication_failed"),
    ("a role that may not", "receptionist", "GET", lambda w: "/queue/", None, 403, "permission_denied"),
    ("another doctor's session", "doctor2", "GET", lambda w: f"/sessions/{w.session.pk}/", None, 403, "permission_denied"),
    ("another hospital's patient", "receptionist", "GET", lambda w: f"/patients/{w.other.patient.pk}/", None, 404, "not_found"),
    ("no such endpoint", "receptionist", "GET", lambda w: "/nothing-here/", None, 404, "not_found"),
    ("a method the endpoint lacks", "receptionist", "DELETE", lambda w: "/patients/", None, 405, "method_not_allowed"),
    ("a field out of range", "receptionist", "POST", lambda w: "/patients/", lambda w: {"full_name": "A", "age": 131, "gender": "F"}, 400, "invalid"),
    ("a second active visit", "receptionist", "POST", lambda w: "/visits/", lambda w: {"patient": w.patient.pk, "doctor": w.doctor.pk}, 409, "duplicate_active_visit"),
    ("a follow-up while a session is open", "receptionist", "POST", lambda w: f"/visits/{w.visit.pk}/follow-up/", None, 409, "session_still_open"),
    ("a follow-up with a deactivated doctor", "receptionist", "POST", lambda w: f"/visits/{w.gone_visit.pk}/follow-up/", None, 409, "doctor_inactive"),
    ("closing while a session is open", "receptionist", "POST", lambda w: f"/visits/{w.visit.pk}/close/", None, 409, "session_still_open"),
    ("a medicine already active", "doctor", "POST", lambda w: f"/prescriptions/{w.prescription.pk}/items/", lambda w: item(w, medicine_name="PARACETAMOL"), 409, "duplicate_active_item"),
    ("a medicine the patient is allergic to", "doctor", "POST", lambda w: f"/prescriptions/{w.prescription.pk}/items/", lambda w: item(w, medicine_name="Penicillin V"), 409, "allergy_conflict"),
    ("completing without a registration number", "doctor2", "POST", lambda w: f"/sessions/{w.unregistered.pk}/complete/", None, 409, "registration_missing"),
    ("stopping what is stopped", "doctor", "POST", lambda w: f"/prescriptions/{w.prescription.pk}/items/{w.stopped.pk}/stop/", lambda w: {"session": w.session.pk}, 409, "item_not_active"),
    ("stopping what is stopped, by name", "doctor", "POST", lambda w: f"/prescriptions/{w.prescription.pk}/items/stop/", lambda w: {"session": w.session.pk, "medicine_name": w.stopped.medicine_name}, 409, "item_not_active"),
    ("completing before starting", "doctor", "POST", lambda w: f"/sessions/{w.waiting.pk}/complete/", None, 409, "session_not_started"),
    ("completing twice", "doctor", "POST", lambda w: f"/sessions/{w.visit2.sessions.get(session_number=1).pk}/complete/", None, 409, "session_not_open"),
    ("dispensing before printing", "medical_staff", "POST", lambda w: f"/pharmacy/dispense-records/{w.unprinted.pk}/dispense/", None, 409, "not_printed"),
    ("dispensing twice", "medical_staff", "POST", lambda w: f"/pharmacy/dispense-records/{w.dispensed.pk}/dispense/", None, 409, "already_dispensed"),
    ("staff beyond the limit", "hospital_admin", "POST", lambda w: "/users/", lambda w: {"username": "one_too_many", "password": "a-long-enough-secret-9", "role": Role.MEDICAL_STAFF}, 409, "limit_reached"),
    ("deactivating oneself", "hospital_admin", "PATCH", lambda w: f"/users/{w.hospital_admin.pk}/", lambda w: {"is_active": False}, 403, "permission_denied"),
    ("a session billed twice", "receptionist", "POST", lambda w: "/bills/", lambda w: {"visit": w.visit.pk}, 409, "already_billed"),
    ("paying more than the balance", "receptionist", "POST", lambda w: f"/bills/{w.bill.pk}/payments/", lambda w: {"amount": "300.01", "mode": "cash"}, 409, "overpayment"),
    ("paying a cancelled bill", "receptionist", "POST", lambda w: _arranged(w, _cancel_bill, f"/bills/{w.bill.pk}/payments/"), lambda w: PAY, 409, "bill_cancelled"),
    ("refunding more than paid", "hospital_admin", "POST", lambda w: f"/bills/{w.bill2.pk}/refunds/", lambda w: {"amount": "450.01", "mode": "cash", "reason": "x"}, 409, "refund_exceeds_paid"),
    ("cancelling a paid bill", "receptionist", "POST", lambda w: f"/bills/{w.bill2.pk}/cancel/", lambda w: {"reason": "x"}, 409, "bill_has_payments"),
    ("paying after closing the day", "receptionist", "POST", lambda w: _arranged(w, _close_day, f"/bills/{w.bill.pk}/payments/"), lambda w: PAY, 409, "day_closed"),
    ("starting an unpaid consultation", "doctor", "POST", lambda w: _arranged(w, _require_payment, f"/sessions/{w.waiting.pk}/start/"), None, 409, "payment_required"),
    ("calling with nobody waiting", "doctor2", "POST", lambda w: "/queue/call-next/", None, 409, "queue_empty"),
    ("recalling a token not called", "doctor", "POST", lambda w: f"/sessions/{w.waiting.pk}/recall/", None, 409, "not_called"),
    ("requeueing a token that is no no-show", "receptionist", "POST", lambda w: f"/visits/{w.waiting_visit.pk}/requeue/", None, 409, "not_no_show"),
    ("priority once the consultation started", "receptionist", "POST", lambda w: f"/visits/{w.visit.pk}/priority/", lambda w: {"priority": "elderly"}, 409, "already_started"),
    ("priority of a visit nobody waits for", "receptionist", "POST", lambda w: f"/visits/{w.visit2.pk}/priority/", lambda w: {"priority": "elderly"}, 409, "no_open_session"),
    ("revoking a revoked display key", "hospital_admin", "POST", lambda w: f"/displays/{w.display.pk}/revoke/", None, 409, "display_key_revoked"),
    ("a display field nobody knows", "hospital_admin", "POST", lambda w: "/displays/", lambda w: {"name": "TV", "colour": "red"}, 400, "invalid"),
    ("a body that is not JSON", "receptionist", "POST", lambda w: "/patients/", "not json", 400, "parse_error"),
]  # fmt: skip


@pytest.fixture
def world(hospital, other_hospital):
    from apps.accounts.services import update_staff_details
    from apps.opd.services import complete_consultation, start_consultation
    from apps.pharmacy.models import DispenseRecord
    from apps.pharmacy.services import mark_as_dispensed
    from apps.prescriptions.services import add_prescription_item, stop_prescription_item
    from apps.visits.services import create_visit_with_vitals, start_follow_up

    world = build_world(hospital, "")
    world.other = build_world(other_hospital, "x_")
    world.stopped = stop_prescription_item(
        by=world.doctor,
        session=world.session,
        item=add_prescription_item(by=world.doctor, session=world.session, medicine_name="Iron", **MEDICINE),
    )
    # visit2's first record is printed: dispense it, then give the visit a second, unprinted record.
    world.dispensed = mark_as_dispensed(by=world.medical_staff, record=world.record)
    second = start_consultation(by=world.doctor, session=start_follow_up(by=world.receptionist, visit=world.visit2))
    complete_consultation(by=world.doctor, session=second)
    world.unprinted = DispenseRecord.objects.get(session=second)
    # doctor2 writes a prescription, then is found to have no registration number.
    visit = create_visit_with_vitals(by=world.receptionist, patient=world.patient3, doctor=world.doctor2)
    world.unregistered = start_consultation(by=world.doctor2, session=visit.opened_session)
    add_prescription_item(by=world.doctor2, session=world.unregistered, medicine_name="Iron", **MEDICINE)
    world.doctor2 = update_staff_details(by=world.hospital_admin, user=world.doctor2, registration_number="")
    from apps.waitingroom.services import revoke_display_key

    revoke_display_key(by=world.hospital_admin, display=world.display)
    world.hospital.max_medical_staff = 1
    world.hospital.save(update_fields=["max_medical_staff"])
    world.visit2.refresh_from_db()
    # A visit whose doctor has left since: its follow-up is refused, offering another doctor.
    gone = UserFactory(role=Role.DOCTOR, hospital=hospital, username="gone_doctor")
    world.gone_visit = create_visit_with_vitals(by=world.receptionist, patient=world.patient3, doctor=gone)
    complete_consultation(by=gone, session=start_consultation(by=gone, session=world.gone_visit.sessions.get()))
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return world


@pytest.mark.parametrize(
    ("why", "role", "method", "path", "body", "status", "code"), ERRORS, ids=[r[0] for r in ERRORS]
)
def test_each_error_answers_with_its_code_beside_the_detail(world, api_as, why, role, method, path, body, status, code):
    client = api_as(getattr(world, role) if role in vars(world) else None)
    if role == "bad token":
        client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    send = getattr(client, method.lower())
    if body == "not json":
        answer = send("/api/v1" + path(world), "{not json", content_type="application/json")
    else:
        answer = send("/api/v1" + path(world), body(world) if body else None, format="json")

    assert answer.status_code == status, answer.content
    assert answer.json()["code"] == code
    assert answer.json()["detail"]


def test_field_errors_stay_field_to_messages_beside_the_code(world, api_as):
    answer = api_as(world.receptionist).post(
        "/api/v1/visits/",
        {"patient": world.patient3.pk, "doctor": world.doctor.pk, "vitals": {"blood_pressure": "80/120"}},
        format="json",
    )
    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["vitals"]) == (
        "invalid",
        {"blood_pressure": ["Diastolic pressure must be lower than systolic."]},
    )


def test_every_domain_error_is_in_common_with_its_own_code_and_meaning():
    classes = []
    pending = list(exceptions.DomainError.__subclasses__())
    while pending:
        error = pending.pop()
        classes.append(error)
        pending.extend(error.__subclasses__())
    assert {error.__module__ for error in classes} == {"common.exceptions"}, "one hierarchy, in common"
    codes = [error.code for error in classes]
    assert len(codes) == len(set(codes)), "each class its own code"
    assert all("__doc__" in vars(error) and error.__doc__ for error in classes), "each says what it means"


def test_the_schema_lists_every_code_an_error_can_carry():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["components"]["schemas"]["ErrorCodeEnum"]["enum"]
    assert set(documented) == set(error_codes())
    assert schema["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["allOf"][0]["$ref"].endswith(
        "/ErrorCodeEnum"
    )
    assert {row[-1] for row in ERRORS} <= set(error_codes())
