"""Every API endpoint × every role × own/other hospital, with the exact status of SPEC §1 and §4.

A cell reads "own/other": the status when the ids (in the path or body) are of the
user's own hospital, then of another hospital. One number means both. Rules behind it:
no credentials → 401; a role that may not use the endpoint → 403 before anything is
looked up; another hospital's object in the path → 404, never 403; another hospital's
id in a body → 400 naming the field; inside the hospital, an owner rule → 403.
"""

import re

import pytest

from apps.audit.models import AuditEvent
from common.constants import Role
from tests.api_world import MEDICINE, build_world

pytestmark = pytest.mark.django_db


def _earlier_visit(w):
    """Give the patient of `w.session` another visit with an active item (factories: no audit event)."""
    from apps.prescriptions.tests.factories import PrescriptionFactory, PrescriptionItemFactory
    from apps.visits.tests.factories import VisitFactory

    visit = VisitFactory(hospital=w.hospital, doctor=w.doctor, patient=w.session.visit.patient)
    PrescriptionItemFactory(prescription=PrescriptionFactory(visit=visit), session__token_number=901)
    return w.session


def _template(w):
    """One of the world's doctor's templates (a factory: no audit event before the request)."""
    from apps.prescriptions.tests.factories import PrescriptionTemplateFactory

    return PrescriptionTemplateFactory(doctor=w.doctor)


ROLES = ("anonymous", "super_admin", "hospital_admin", "receptionist", "doctor", "doctor2", "medical_staff")
NEW_STAFF = {"password": "a-long-enough-secret-9", "first_name": "New"}

# fmt: off
MATRIX = [
    # method, path,                                   body(w),                                                        anon super  h.admin  desk     doctor   doctor2  pharmacy
    ("DELETE", "/auth/token/",                         None,                                                           "401", "204", "204",   "204",   "204",   "204",   "204"),
    ("GET",    "/me/",                                 None,                                                           "401", "200", "200",   "200",   "200",   "200",   "200"),
    ("GET",    "/hospitals/",                          None,                                                           "401", "200", "403",   "403",   "403",   "403",   "403"),
    ("POST",   "/hospitals/",                          lambda w: {"name": "New Clinic", "max_doctors": 2, "max_receptionists": 1, "max_medical_staff": 1},
                                                                                                                       "401", "201", "403",   "403",   "403",   "403",   "403"),
    ("GET",    "/hospitals/{hospital}/",               None,                                                           "401", "200", "403",   "403",   "403",   "403",   "403"),
    ("PATCH",  "/hospitals/{hospital}/",               lambda w: {"phone": "020 5550 1234"},                           "401", "200", "403",   "403",   "403",   "403",   "403"),
    ("GET",    "/users/",                              None,                                                           "401", "200", "200",   "403",   "403",   "403",   "403"),
    ("POST",   "/users/",                              lambda w: {**NEW_STAFF, "username": "newdesk", "role": Role.RECEPTIONIST, "hospital": w.hospital.pk},
                                                                                                                       "401", "403", "201",   "403",   "403",   "403",   "403"),
    ("POST",   "/users/",                              lambda w: {**NEW_STAFF, "username": "newadmin", "role": Role.HOSPITAL_ADMIN, "hospital": w.hospital.pk},
                                                                                                                       "401", "201", "403",   "403",   "403",   "403",   "403"),
    ("GET",    "/users/{hospital_admin}/",             None,                                                           "401", "200", "200/404", "403",  "403",   "403",   "403"),
    ("PATCH",  "/users/{receptionist}/",               lambda w: {"first_name": "Renamed"},                            "401", "404", "200/404", "403",  "403",   "403",   "403"),
    ("PATCH",  "/users/{doctor}/",                     lambda w: {"registration_number": "MMC-2011/04567"},            "401", "404", "200/404", "403",  "403",   "403",   "403"),
    ("GET",    "/patients/",                           None,                                                           "401", "403", "403",   "200",   "200",   "200",   "403"),
    ("POST",   "/patients/",                           lambda w: {"full_name": "New Patient", "age": 30, "gender": "M"},
                                                                                                                       "401", "403", "403",   "201",   "403",   "403",   "403"),
    ("GET",    "/patients/{patient}/",                 None,                                                           "401", "403", "403",   "200/404", "200/404", "200/404", "403"),
    ("PATCH",  "/patients/{patient}/",                 lambda w: {"address": "New address"},                           "401", "403", "403",   "200/404", "403",  "403",   "403"),
    ("GET",    "/patients/{patient}/allergies/",       None,                                                           "401", "403", "403",   "200/404", "200/404", "200/404", "200/404"),
    ("POST",   "/patients/{patient3}/allergies/",      lambda w: {"substance": "Egg", "kind": "food", "severity": "mild"},
                                                                                                                       "401", "403", "403",   "201/404", "201/404", "201/404", "403"),
    ("PATCH",  "/patients/{patient}/allergies/{allergy}/", lambda w: {"is_active": False},                          "401", "403", "403",   "200/404", "200/404", "200/404", "403"),
    ("GET",    "/doctors/",                            None,                                                           "401", "403", "403",   "200",   "403",   "403",   "403"),
    ("GET",    "/visits/",                             None,                                                           "401", "403", "403",   "200",   "200",   "200",   "403"),
    ("POST",   "/visits/",                             lambda w: {"patient": w.patient3.pk, "doctor": w.doctor.pk},   "401", "403", "403",   "201/400", "403",  "403",   "403"),
    ("GET",    "/visits/{visit}/",                     None,                                                           "401", "403", "403",   "200/404", "200/404", "403/404", "403"),
    ("POST",   "/visits/{visit2}/follow-up/",          None,                                                           "401", "403", "403",   "201/404", "403",  "403",   "403"),
    ("POST",   "/visits/{visit2}/close/",              None,                                                           "401", "403", "403",   "200/404", "200/404", "403/404", "403"),
    ("GET",    "/queue/",                              None,                                                           "401", "403", "403",   "403",   "200",   "200",   "403"),
    ("POST",   "/visits/{waiting_visit}/priority/",    lambda w: {"priority": "elderly"},                              "401", "403", "403",   "200/404", "403",  "403",   "403"),
    ("POST",   "/visits/{waiting_visit}/move/",        lambda w: {"doctor": w.doctor2.pk},                             "401", "403", "403",   "200/404", "403",  "403",   "403"),
    # Requeue answers a no-show only: a waiting token is a 409 (the 200 is in apps/opd/tests/test_queue_api.py).
    ("POST",   "/visits/{waiting_visit}/requeue/",     None,                                                           "401", "403", "403",   "409/404", "403",  "403",   "403"),
    ("POST",   "/queue/call-next/",                    None,                                                           "401", "403", "403",   "403",   "200",   "409",   "403"),
    ("POST",   "/sessions/{called}/recall/",           None,                                                           "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("POST",   "/sessions/{called}/skip/",             None,                                                           "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("GET",    "/sessions/{session}/",                 None,                                                           "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("POST",   "/sessions/{waiting}/start/",           None,                                                           "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("POST",   "/sessions/{session}/complete/",        None,                                                           "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("GET",    "/sessions/{session}/record/",          None,                                                           "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("PATCH",  "/sessions/{session}/record/",          lambda w: {"complaints": [{"text": "Fever", "duration": "3 days"}], "diagnoses": [{"icd_code": "I10"}]},
                                                                                                                       "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("GET",    "/icd10/",                              lambda w: {"q": "HTN"},                                         "401", "403", "403",   "403",   "200",   "200",   "403"),
    ("GET",    "/icd10/synonyms/",                     None,                                                           "401", "403", "200",   "403",   "403",   "403",   "403"),
    ("POST",   "/icd10/synonyms/",                     lambda w: {"term": "HT2", "icd_code": "I15.9"},                 "401", "403", "201",   "403",   "403",   "403",   "403"),
    ("PATCH",  "/icd10/synonyms/{synonym}/",           lambda w: {"is_active": False},                                 "401", "403", "200/404", "403",  "403",   "403",   "403"),
    ("GET",    "/pick-lists/",                         None,                                                           "401", "403", "200",   "403",   "200",   "200",   "403"),
    ("GET",    "/pick-lists/entries/",                 None,                                                           "401", "403", "200",   "403",   "403",   "403",   "403"),
    ("POST",   "/pick-lists/entries/",                 lambda w: {"kind": "investigation", "text": "Serum ferritin"},  "401", "403", "201",   "403",   "403",   "403",   "403"),
    ("PATCH",  "/pick-lists/entries/{pick_entry}/",    lambda w: {"is_active": False},                                 "401", "403", "200/404", "403",  "403",   "403",   "403"),
    ("GET",    "/prescriptions/{prescription}/",       None,                                                           "401", "403", "403",   "403",   "200/404", "403/404", "200/404"),
    ("POST",   "/prescriptions/{prescription}/items/", lambda w: {**MEDICINE, "session": w.session.pk, "medicine_name": "Cetirizine"},
                                                                                                                       "401", "403", "403",   "403",   "201/404", "403/404", "403"),
    ("POST",   "/prescriptions/{prescription}/items/{item}/stop/", lambda w: {"session": w.session.pk},             "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("POST",   "/prescriptions/{prescription}/items/stop/", lambda w: {"session": w.session.pk, "medicine_name": "paracetamol"},
                                                                                                                       "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("GET",    "/pharmacy/dispense-records/",          None,                                                           "401", "403", "403",   "403",   "403",   "403",   "200"),
    ("GET",    "/pharmacy/dispense-records/{record}/", None,                                                           "401", "403", "403",   "403",   "403",   "403",   "200/404"),
    ("POST",   "/pharmacy/dispense-records/{record}/print/", None,                                                     "401", "403", "403",   "403",   "403",   "403",   "200/404"),
    ("POST",   "/pharmacy/dispense-records/{record}/dispense/", None,                                                  "401", "403", "403",   "403",   "403",   "403",   "200/404"),
    ("GET",    "/displays/",                           None,                                                           "401", "403", "200",   "403",   "403",   "403",   "403"),
    ("POST",   "/displays/",                           lambda w: {"name": "Room 1 door", "doctor": w.doctor.pk},      "401", "403", "201/400", "403",  "403",   "403",   "403"),
    ("POST",   "/displays/{display}/revoke/",          None,                                                           "401", "403", "200/404", "403",  "403",   "403",   "403"),
    ("GET",    "/audit/",                              None,                                                           "401", "200", "200",   "403",   "403",   "403",   "403"),
    ("GET",    "/bills/",                              None,                                                           "401", "403", "200",   "200",   "403",   "403",   "403"),
    ("POST",   "/bills/",                              lambda w: {"visit": w.waiting.visit.pk},                        "401", "403", "403",   "201/400", "403",  "403",   "403"),
    ("GET",    "/bills/{bill}/",                       None,                                                           "401", "403", "200/404", "200/404", "403", "403",  "403"),
    ("POST",   "/bills/{bill}/charges/",               lambda w: {"price_item": w.price_item.pk},                      "401", "403", "403",   "201/404", "403",  "403",   "403"),
    ("POST",   "/bills/{bill}/discounts/",             lambda w: {"amount": "10.00", "reason": "Staff family"},        "401", "403", "201/404", "201/404", "403", "403",  "403"),
    ("POST",   "/bills/{bill}/payments/",              lambda w: {"amount": "100.00", "mode": "cash"},                 "401", "403", "403",   "201/404", "403",  "403",   "403"),
    ("POST",   "/bills/{bill2}/refunds/",              lambda w: {"amount": "10.00", "mode": "cash", "reason": "Overcharged"},
                                                                                                                       "401", "403", "201/404", "403",  "403",   "403",   "403"),
    ("POST",   "/bills/{bill}/cancel/",                lambda w: {"reason": "Billed twice"},                           "401", "403", "200/404", "200/404", "403", "403",  "403"),
    ("GET",    "/cash/",                               None,                                                           "401", "403", "200",   "200",   "403",   "403",   "403"),
    ("POST",   "/cash/close/",                         None,                                                           "401", "403", "201",   "201",   "403",   "403",   "403"),
    ("GET",    "/billing/settings/",                   None,                                                           "401", "403", "200",   "403",   "403",   "403",   "403"),
    ("PATCH",  "/billing/settings/",                   lambda w: {"follow_up_fee": "50.00"},                           "401", "403", "200",   "403",   "403",   "403",   "403"),
    ("GET",    "/billing/price-list/",                 None,                                                           "401", "403", "200",   "200",   "403",   "403",   "403"),
    ("POST",   "/billing/price-list/",                 lambda w: {"name": "ECG", "price": "200.00"},                   "401", "403", "201",   "403",   "403",   "403",   "403"),
    ("PATCH",  "/billing/price-list/{price_item}/",    lambda w: {"price": "175.00"},                                  "401", "403", "200/404", "403",  "403",   "403",   "403"),
    ("POST",   "/billing/doctor-fees/",                lambda w: {"doctor": w.doctor.pk, "fee": "450.00"},             "401", "403", "204/400", "403",  "403",   "403",   "403"),
    ("GET",    "/templates/",                          None,                                                           "401", "403", "403",   "403",   "200",   "200",   "403"),
    ("POST",   "/templates/",                          lambda w: {"session": w.session.pk, "name": "Fever"},           "401", "403", "403",   "403",   "201/400", "403/400", "403"),
    ("PATCH",  "/templates/{template}/",               lambda w: {"name": "Fever, adult"},                             "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("DELETE", "/templates/{template}/",               None,                                                           "401", "403", "403",   "403",   "204/404", "403/404", "403"),
    ("POST",   "/prescriptions/{prescription}/apply-template/", lambda w: {"session": w.session.pk, "template": _template(w).pk},
                                                                                                                       "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("POST",   "/prescriptions/{prescription}/repeat/", lambda w: {"session": _earlier_visit(w).pk},                  "401", "403", "403",   "403",   "200/404", "403/404", "403"),
    ("GET",    "/formulary/",                          None,                                                           "401", "403", "200",   "403",   "200",   "200",   "403"),
    ("POST",   "/formulary/",                          lambda w: {"generic_name": "Iron", "form": "tablet"},           "401", "403", "201",   "403",   "403",   "403",   "403"),
    ("GET",    "/formulary/search/",                   lambda w: {"q": "zinc"},                                        "401", "403", "200",   "403",   "200",   "200",   "403"),
    ("POST",   "/formulary/import/",                   lambda w: {"csv": "generic_name,form\nIron,tablet\n"},         "401", "403", "200",   "403",   "403",   "403",   "403"),
    ("GET",    "/formulary/export/",                   None,                                                           "401", "403", "200",   "403",   "403",   "403",   "403"),
    ("GET",    "/formulary/{entry}/",                  None,                                                           "401", "403", "200/404", "403",  "200/404", "200/404", "403"),
    ("PATCH",  "/formulary/{entry}/",                  lambda w: {"brand_names": "Zincovit"},                          "401", "403", "200/404", "403",  "403",   "403",   "403"),
]
# fmt: on


def _cells():
    for method, path, body, *statuses in MATRIX:
        refers_to_objects = "{" in path or body is not None
        for role, cell in zip(ROLES, statuses, strict=True):
            own, _, other = cell.partition("/")
            yield pytest.param(method, path, body, role, "own", int(own), id=f"{method} {path} {role} own")
            if refers_to_objects:
                status = int(other or own)
                yield pytest.param(method, path, body, role, "other", status, id=f"{method} {path} {role} other")


@pytest.fixture
def worlds(hospital, other_hospital, super_admin):
    return {"own": build_world(hospital, ""), "other": build_world(other_hospital, "x_"), "root": super_admin}


def _path(template: str, world) -> str:
    ids = {name: getattr(world, name).pk for name in vars(world) if hasattr(getattr(world, name), "pk")}
    return "/api/v1" + template.format(**ids)


@pytest.mark.parametrize(("method", "path", "body", "role", "ids_of", "status"), list(_cells()))
def test_permission_matrix(worlds, api_as, method, path, body, role, ids_of, status):
    own = worlds["own"]
    user = {"anonymous": None, "super_admin": worlds["root"]}.get(role, getattr(own, role, None))
    target = worlds[ids_of]
    events_before = AuditEvent.objects.count()
    client = api_as(user)
    events_after_login = AuditEvent.objects.count()

    answer = getattr(client, method.lower())(_path(path, target), body(target) if body else None, format="json")

    assert answer.status_code == status, answer.content
    if status in (403, 404):
        # A refusal says only that: no field of the object, and nothing is recorded as done.
        assert set(answer.json()) == {"detail", "code"}
        assert AuditEvent.objects.count() == events_after_login
    if status == 401:
        assert AuditEvent.objects.count() == events_before


def test_the_matrix_covers_every_endpoint_of_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        (method.upper(), re.sub(r"\{\w+\}", "{x}", path.removeprefix("/api/v1")))
        for path, operations in schema["paths"].items()
        for method in operations
    }

    covered = {(method, re.sub(r"\{\w+\}", "{x}", path)) for method, path, *_ in MATRIX}
    covered.add(("POST", "/auth/token/"))  # logging in is what every other row starts from; see test_api_auth
    assert documented == covered
