"""Bad input to every write endpoint: a 400 (or 404 for an unknown object in the path), nothing saved, no 500.

Each case posts one malformed body; the test then checks that no table of ours
gained or changed a row (the audit log included), so nothing was half-written.
"""

import pytest
from django.apps import apps

from common.constants import Role
from tests.api_world import MEDICINE, build_world
from tests.test_api_permissions import MATRIX, ROLES
from tests.test_no_500_input import _ids

pytestmark = pytest.mark.django_db

LONG = "x" * 5000
SCRIPT = "<script>alert(1)</script>"


def _ours():
    return [m for m in apps.get_models() if m.__module__.startswith("apps.")]


def _snapshot():
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in _ours()}


def _item(w, **overrides):
    return {**MEDICINE, "session": w.session.pk, "medicine_name": "Cetirizine", **overrides}


def _dosed(w, **overrides):
    """A structured item (SPEC §10): dose pattern, unit, food, duration; None drops a field."""
    body = {"session": w.session.pk, "medicine_name": "Cetirizine", "dosage": "10 mg", "dose_pattern": "0-0-1",
            "dose_unit": "tablet", "food_relation": "after", "duration_value": 5, "duration_unit": "days"}  # fmt: skip
    return {key: value for key, value in (body | overrides).items() if value is not None}


def _visit(w, **overrides):
    return {"patient": w.patient3.pk, "doctor": w.doctor.pk, **overrides}


def _patient(**overrides):
    return {"full_name": "Asha", "age": 30, "gender": "F", **overrides}


def _hospital(**overrides):
    return {"name": "New", "max_doctors": 1, "max_receptionists": 1, "max_medical_staff": 1, **overrides}


def _staff(**overrides):
    return {"username": "new", "password": "a-long-enough-secret-9", "role": Role.DOCTOR, **overrides}


# (who, method, path, body(w), expected status, the field the 400 names or None)
CASES = [
    # Hospitals (super admin)
    ("root", "post", "/hospitals/", lambda w: {}, 400, "name"),
    ("root", "post", "/hospitals/", lambda w: _hospital(max_doctors=-1), 400, "max_doctors"),
    ("root", "post", "/hospitals/", lambda w: _hospital(max_doctors="three"), 400, "max_doctors"),
    ("root", "post", "/hospitals/", lambda w: _hospital(default_visit_validity_days=400), 400, "default_visit_validity_days"),
    ("root", "post", "/hospitals/", lambda w: _hospital(name=LONG), 400, "name"),
    ("root", "post", "/hospitals/", lambda w: _hospital(name="city clinic"), 400, "name"),
    ("root", "post", "/hospitals/", lambda w: _hospital(time_zone="Mars/Olympus"), 400, "time_zone"),
    ("root", "patch", "/hospitals/{hospital}/", lambda w: {"is_active": "perhaps"}, 400, "is_active"),
    ("root", "patch", "/hospitals/999999/", lambda w: {"phone": "1"}, 404, None),
    # Accounts
    ("hospital_admin", "post", "/users/", lambda w: _staff(password="short"), 400, "password"),
    ("hospital_admin", "post", "/users/", lambda w: _staff(username="doctor"), 400, "username"),
    ("hospital_admin", "post", "/users/", lambda w: _staff(username=LONG), 400, "username"),
    ("hospital_admin", "post", "/users/", lambda w: _staff(role="OWNER"), 400, "role"),
    ("hospital_admin", "post", "/users/", lambda w: {"username": "new"}, 400, "password"),
    ("root", "post", "/users/", lambda w: _staff(role=Role.HOSPITAL_ADMIN, hospital=None), 400, "hospital"),
    ("root", "post", "/users/", lambda w: _staff(role=Role.HOSPITAL_ADMIN, hospital=999999), 400, "hospital"),
    ("hospital_admin", "patch", "/users/{receptionist}/", lambda w: {"email": "not-an-email"}, 400, "email"),
    ("hospital_admin", "patch", "/users/{receptionist}/", lambda w: {"password": "123"}, 400, "password"),
    ("hospital_admin", "patch", "/users/999999/", lambda w: {"first_name": "A"}, 404, None),
    # Patients
    ("receptionist", "post", "/patients/", lambda w: {}, 400, "full_name"),
    ("receptionist", "post", "/patients/", lambda w: _patient(full_name="   "), 400, "full_name"),
    ("receptionist", "post", "/patients/", lambda w: _patient(full_name=LONG), 400, "full_name"),
    ("receptionist", "post", "/patients/", lambda w: _patient(age=131), 400, "age"),
    ("receptionist", "post", "/patients/", lambda w: _patient(age="old"), 400, "age"),
    ("receptionist", "post", "/patients/", lambda w: _patient(age=[1]), 400, "age"),
    ("receptionist", "post", "/patients/", lambda w: _patient(gender="X"), 400, "gender"),
    ("receptionist", "post", "/patients/", lambda w: _patient(phone_number="12345"), 400, "phone_number"),
    ("receptionist", "post", "/patients/", lambda w: _patient(address=LONG), 400, "address"),
    ("receptionist", "patch", "/patients/{patient}/", lambda w: {"age": -1}, 400, "age"),
    ("receptionist", "patch", "/patients/999999/", lambda w: {"age": 1}, 404, None),
    # Visits
    ("receptionist", "post", "/visits/", lambda w: {}, 400, "patient"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, patient="abc"), 400, "patient"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, patient=999999), 400, "patient"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, patient=w.other.patient3.pk), 400, "patient"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, doctor=w.other.doctor.pk), 400, "doctor"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, doctor=w.receptionist.pk), 400, "doctor"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, validity_days=0), 400, "validity_days"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"height_cm": 10}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"weight_kg": "heavy"}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"blood_pressure": "80/120"}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"blood_pressure": SCRIPT}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"pulse_rate": 300}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"temperature_c": "1e400"}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals="high"), 400, "vitals"),
    # Strict input (issue 14 §12): booleans are not numbers, unknown fields are named, invisible text is no text
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"weight_kg": True}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"temperature": 39}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, vitals={"bmi": 22}), 400, "vitals"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, validity_days=True), 400, "validity_days"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, priority="high"), 400, "priority"),
    ("receptionist", "post", "/patients/", lambda w: _patient(age=True), 400, "age"),
    ("receptionist", "post", "/patients/", lambda w: _patient(full_name="\u200b\ufeff\u202e"), 400, "full_name"),
    ("receptionist", "post", "/patients/", lambda w: _patient(full_name=["Asha"]), 400, "full_name"),
    ("receptionist", "post", "/patients/", lambda w: _patient(blood_group="O+"), 400, "blood_group"),
    ("receptionist", "patch", "/patients/{patient}/", lambda w: {"full_name": "\u2066\u2069"}, 400, "full_name"),
    ("hospital_admin", "post", "/users/", lambda w: _staff(first_name="\u200b"), 400, "first_name"),
    ("hospital_admin", "patch", "/users/{receptionist}/", lambda w: {"last_name": "\ufeff"}, 400, "last_name"),
    ("hospital_admin", "patch", "/users/{receptionist}/", lambda w: {"is_superuser": True}, 400, "is_superuser"),
    ("root", "post", "/hospitals/", lambda w: _hospital(max_doctors=True), 400, "max_doctors"),
    ("root", "post", "/hospitals/", lambda w: _hospital(plan="gold"), 400, "plan"),
    ("receptionist", "post", "/visits/", lambda w: _visit(w, patient=w.patient.pk), 409, None),
    ("receptionist", "post", "/visits/999999/follow-up/", lambda w: None, 404, None),
    ("receptionist", "post", "/visits/{visit}/follow-up/", lambda w: None, 409, None),
    ("receptionist", "post", "/visits/{visit}/close/", lambda w: None, 409, None),
    ("receptionist", "post", "/visits/{visit}/close/", lambda w: {"force": True}, 400, "force"),
    ("receptionist", "post", "/visits/{visit}/follow-up/", lambda w: {"doctor": w.doctor2.pk}, 400, "doctor"),
    # Consultations and prescriptions
    ("doctor", "post", "/sessions/999999/complete/", lambda w: None, 404, None),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: {}, 400, "session"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, medicine_name=""), 400, "medicine_name"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, medicine_name=LONG), 400, "medicine_name"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, dosage=None), 400, "dosage"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, medicine_name="\u200b"), 400, "medicine_name"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, medicine_name="Para\u200bcetamol"), 409, None),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, instructions="\u2066\u2069"), 400, "instructions"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, dosage=True), 400, "dosage"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, status="stopped"), 400, "status"),
    ("doctor", "post", "/sessions/{session}/complete/", lambda w: {"notes": "x"}, 400, "notes"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, session="one"), 400, "session"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, session=w.other.session.pk), 400, "session"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, session=w.visit2.sessions.get().pk), 400, "session"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _item(w, medicine_name="PARACETAMOL"), 409, None),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, dose_pattern="9-9-9-9"), 400, "dose_pattern"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, dose_pattern="-1"), 400, "dose_pattern"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, dose_pattern="1" * 10_000), 400, "dose_pattern"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, duration_value=-1), 400, "duration_value"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, dose_unit="bucket"), 400, "dose_unit"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, duration_unit=None), 400, "duration_unit"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, instructions="x" * 10_000), 400, "instructions"),
    ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w: _dosed(w, dose="1-0-1"), 400, "dose"),
    ("doctor", "post", "/prescriptions/999999/items/", lambda w: _item(w), 404, None),
    ("doctor", "post", "/prescriptions/{prescription}/items/999999/stop/", lambda w: {"session": w.session.pk}, 404, None),
    ("doctor", "post", "/prescriptions/{prescription}/items/{item}/stop/", lambda w: {}, 400, "session"),
    ("doctor", "post", "/prescriptions/{prescription}/items/stop/", lambda w: {"session": w.session.pk}, 400, "medicine_name"),
    ("doctor", "post", "/prescriptions/{prescription}/items/stop/", lambda w: {"session": w.session.pk, "medicine_name": "Unknown"}, 400, "medicine_name"),
    # Pharmacy
    ("medical_staff", "post", "/pharmacy/dispense-records/999999/print/", lambda w: None, 404, None),
    ("medical_staff", "post", "/pharmacy/dispense-records/999999/dispense/", lambda w: None, 404, None),
]  # fmt: skip


@pytest.fixture
def world(hospital, other_hospital, super_admin):
    world = build_world(hospital, "")
    world.other = build_world(other_hospital, "x_")
    world.root = super_admin
    return world


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "status", "field"),
    CASES,
    ids=[f"{c[1]} {c[2]} {c[4]} {c[5] or ''} #{n}" for n, c in enumerate(CASES)],
)
def test_bad_input_is_refused_and_nothing_is_saved(world, api_as, who, method, path, body, status, field):
    client = api_as(getattr(world, who))
    ids = {name: getattr(world, name).pk for name in vars(world) if hasattr(getattr(world, name), "pk")}
    before = _snapshot()

    answer = getattr(client, method)("/api/v1" + path.format(**ids), body(world), format="json")

    assert answer.status_code == status, answer.content
    if field:
        assert field in answer.json(), answer.json()
    after = _snapshot()
    changed = [name for name in before if before[name] != after[name]]
    # Logging in with the token touches no table; the only write allowed is nothing at all.
    assert changed == []


@pytest.mark.parametrize("content", [b"{not json", b'"a string"', b"[]", b"null"])
def test_malformed_json_bodies_are_400(world, api_as, content):
    client = api_as(world.receptionist)
    answer = client.generic("POST", "/api/v1/patients/", content, content_type="application/json")
    assert answer.status_code == 400


def test_an_oversized_body_is_refused_with_a_clear_answer(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    answer = api_as(world.receptionist).post("/api/v1/patients/", _patient(address="x" * 20_000), format="json")
    assert answer.status_code in (400, 413)


def test_a_form_encoded_body_is_415(world, api_as):
    answer = api_as(world.receptionist).post("/api/v1/patients/", _patient(), format="multipart")
    assert answer.status_code == 415


def test_the_duplicate_visit_conflict_names_the_visit_to_follow_up(world, api_as):
    answer = api_as(world.receptionist).post("/api/v1/visits/", _visit(world, patient=world.patient.pk), format="json")
    assert answer.status_code == 409
    assert answer.json()["existing_visit"] == world.visit.pk
    assert "follow-up" in answer.json()["detail"]


def test_a_hospital_admin_cannot_place_staff_in_another_hospital(world, api_as):
    answer = api_as(world.hospital_admin).post(
        "/api/v1/users/", _staff(hospital=world.other.hospital.pk, role=Role.RECEPTIONIST), format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["hospital"] == world.hospital.pk


def test_read_only_fields_in_a_patch_are_refused_by_name_and_change_nothing(world, api_as):
    client = api_as(world.receptionist)
    before = _snapshot()
    answer = client.patch(
        f"/api/v1/patients/{world.patient.pk}/",
        {"mrn": "P-999999", "id": 1, "hospital": world.other.hospital.pk, "created_at": "2000-01-01T00:00:00Z"},
        format="json",
    )
    assert answer.status_code == 400
    assert {"mrn", "id", "hospital", "created_at"} <= set(answer.json())
    assert _snapshot() == before


def test_a_role_patch_on_an_account_is_refused_by_name_and_changes_nothing(world, api_as):
    answer = api_as(world.hospital_admin).patch(
        f"/api/v1/users/{world.receptionist.pk}/", {"role": Role.HOSPITAL_ADMIN}, format="json"
    )
    assert (answer.status_code, answer.json()["role"]) == (400, ["Unknown field: this endpoint does not take it."])
    world.receptionist.refresh_from_db()
    assert world.receptionist.role == Role.RECEPTIONIST


def test_an_unknown_vitals_field_is_named_where_it_is(world, api_as):
    answer = api_as(world.receptionist).post(
        "/api/v1/visits/", _visit(world, vitals={"temperature": 39, "pulse_rate": 72}), format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["vitals"] == {"temperature": ["Unknown field: this endpoint does not take it."]}


def test_a_misspelt_filter_is_refused_by_name_not_ignored(world, api_as):
    # `?patinet=` ignored would answer every visit of the hospital as if they were the patient's.
    answer = api_as(world.receptionist).get(f"/api/v1/visits/?patinet={world.patient.pk}")
    assert (answer.status_code, answer.json()["patinet"]) == (400, ["Unknown field: this endpoint does not take it."])


# Every GET of the permission matrix, with the first role that may read it (200).
READS = [
    (path, ROLES[statuses.index("200")])
    for method, path, _, *statuses in MATRIX
    if method == "GET" and "200" in statuses
]


@pytest.mark.parametrize(("path", "role"), READS, ids=[path for path, _ in READS])
def test_every_read_refuses_a_parameter_it_does_not_take(world, api_as, path, role):
    """Also the reads with no filter at all (`/users/`, `/queue/`, a detail): ignored, `?foo=` looked accepted."""
    client = api_as(world.root if role == "super_admin" else getattr(world, role))
    url = "/api/v1" + path.format(**_ids(world))
    answer = client.get(url, {"surely_not_a_filter": "1"})
    assert answer.status_code == 400, (url, answer.content)
    assert answer.json()["surely_not_a_filter"] == ["Unknown field: this endpoint does not take it."]
    assert answer.json()["code"] == "invalid"


@pytest.mark.parametrize("path", ["/patients/", "/users/", "/formulary/", "/queue/"])
@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "9" * 30])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_naming_it(world, api_as, path, page):
    user = {"/users/": world.hospital_admin, "/formulary/": world.doctor, "/queue/": world.doctor}
    answer = api_as(user.get(path, world.receptionist)).get(f"/api/v1{path}", {"page": page})
    assert (answer.status_code, answer.json()["page"], answer.json()["code"]) == (
        400, ["Enter a whole number from 1 up."], "invalid"
    )  # fmt: skip


def test_a_page_past_the_last_is_still_drfs_404(world, api_as):
    client = api_as(world.receptionist)
    assert client.get("/api/v1/patients/", {"page": "last"}).status_code == 200
    answer = client.get("/api/v1/patients/", {"page": "999"})
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_the_paginators_parameters_pass_beside_the_filters(world, api_as):
    answer = api_as(world.receptionist).get(f"/api/v1/visits/?patient={world.patient.pk}&page_size=1&format=json")
    assert answer.status_code == 200


def test_an_unknown_field_inside_a_list_of_lines_is_named_where_it_is(world, api_as):
    session = world.visit.sessions.get()  # started, open
    answer = api_as(world.doctor).patch(
        f"/api/v1/sessions/{session.pk}/record/",
        {"complaints": [{"text": "Fever"}, {"text": "Cough", "durattion": "3 days"}]},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["complaints"] == {"1": {"durattion": ["Unknown field: this endpoint does not take it."]}}


def test_a_boolean_weight_is_not_one_kilogram(world, api_as):
    answer = api_as(world.receptionist).post(
        "/api/v1/visits/", _visit(world, vitals={"weight_kg": True}), format="json"
    )
    assert (answer.status_code, answer.json()["vitals"]) == (400, {"weight_kg": ["Enter a number."]})


def test_a_number_too_large_for_a_float_is_400(world, api_as):
    body = b'{"patient": %d, "doctor": %d, "vitals": {"height_cm": 1e400}}' % (world.patient3.pk, world.doctor.pk)
    answer = api_as(world.receptionist).generic("POST", "/api/v1/visits/", body, content_type="application/json")
    assert answer.status_code == 400
    assert "height_cm" in answer.json()["vitals"]
