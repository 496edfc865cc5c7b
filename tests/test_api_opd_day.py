"""One whole OPD day through the REST API alone, as an integrating system would drive it."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def log_in(user) -> APIClient:
    client = APIClient()
    answer = client.post("/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["user"]["role"] == user.role
    assert body["expires_at"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    return client


def test_a_whole_day_through_the_api(hospital, hospital_admin, receptionist, doctor, medical_staff):
    desk = log_in(receptionist)
    me = desk.get("/api/v1/me/").json()
    assert (me["username"], me["role"], me["hospital"], me["hospital_name"]) == (
        "desk",
        "RECEPTIONIST",
        hospital.pk,
        "City Clinic",
    )

    answer = desk.post(
        "/api/v1/patients/",
        {"full_name": " Kavya  Menon ", "age": 31, "gender": "F", "phone_number": "+91 98450 12345"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    patient = answer.json()
    assert (patient["mrn"], patient["full_name"], patient["phone_number"]) == ("P-000001", "Kavya Menon", "9845012345")
    found = desk.get("/api/v1/patients/", {"q": "98450 12345"}).json()
    assert (found["count"], found["results"][0]["id"]) == (1, patient["id"])

    doctors = desk.get("/api/v1/doctors/").json()["results"]
    assert doctors == [{"id": doctor.pk, "username": "doc", "display_name": "Dr. Asha Rao"}]
    answer = desk.post(
        "/api/v1/visits/",
        {
            "patient": patient["id"],
            "doctor": doctors[0]["id"],
            "vitals": {"height_cm": 160, "weight_kg": 64, "blood_pressure": "118/76", "pulse_rate": 70},
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    visit = answer.json()
    assert visit["vitals"] == {
        "height_cm": 160.0,
        "weight_kg": 64.0,
        "blood_pressure": "118/76",
        "pulse_rate": 70,
        "temperature_c": None,
        "bmi": 25.0,
    }
    assert visit["validity_days"] == hospital.default_visit_validity_days
    [session] = visit["sessions"]
    assert (session["session_number"], session["token_number"], session["status"]) == (1, 1, "open")

    doc = log_in(doctor)
    queue = doc.get("/api/v1/queue/").json()
    assert queue["count"] == 1
    entry = queue["results"][0]
    assert (entry["id"], entry["token_number"], entry["patient"]["mrn"], entry["vitals"]["bmi"]) == (
        session["id"],
        1,
        "P-000001",
        25.0,
    )
    # Reading the session changes nothing; starting it is a POST that opens the prescription.
    consultation = doc.get(f"/api/v1/sessions/{session['id']}/").json()
    assert (consultation["started_at"], consultation["prescription"]) == (None, None)
    answer = doc.post(f"/api/v1/sessions/{session['id']}/start/")
    assert answer.status_code == 200, answer.json()
    consultation = answer.json()
    assert consultation["started_at"]
    assert consultation["prescription"]["items"] == []
    rx = consultation["prescription"]["id"]
    assert doc.get(f"/api/v1/sessions/{session['id']}/").json()["prescription"]["id"] == rx

    item = {"session": session["id"], "dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}
    answer = doc.post(f"/api/v1/prescriptions/{rx}/items/", {**item, "medicine_name": "Paracetamol"}, format="json")
    assert answer.status_code == 201, answer.json()
    paracetamol = answer.json()
    assert (paracetamol["medicine_name"], paracetamol["status"]) == ("Paracetamol", "active")
    answer = doc.post(
        f"/api/v1/prescriptions/{rx}/items/",
        {**item, "medicine_name": "Cetirizine", "instructions": "at night"},
        format="json",
    )
    cetirizine = answer.json()
    answer = doc.post(
        f"/api/v1/prescriptions/{rx}/items/{cetirizine['id']}/stop/", {"session": session["id"]}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["status"], answer.json()["stopped_in_session"]) == ("stopped", session["id"])
    answer = doc.post(f"/api/v1/sessions/{session['id']}/complete/")
    assert (answer.status_code, answer.json()["status"]) == (200, "completed")
    assert doc.get("/api/v1/queue/").json()["count"] == 0
    items = doc.get(f"/api/v1/prescriptions/{rx}/").json()["items"]
    assert [(i["medicine_name"], i["status"]) for i in items] == [("Paracetamol", "active"), ("Cetirizine", "stopped")]

    pharmacy = log_in(medical_staff)
    pending = pharmacy.get("/api/v1/pharmacy/dispense-records/", {"status": "pending"}).json()
    assert len(pending["results"]) == 1
    record = pending["results"][0]
    assert record["patient"]["mrn"] == "P-000001"
    assert [i["medicine_name"] for i in record["items"]] == ["Paracetamol"]
    assert record["prescription"]["id"] == rx
    answer = pharmacy.post(f"/api/v1/pharmacy/dispense-records/{record['id']}/print/")
    assert (answer.status_code, answer.json()["is_printed"], answer.json()["print_count"]) == (200, True, 1)
    answer = pharmacy.post(f"/api/v1/pharmacy/dispense-records/{record['id']}/dispense/")
    assert (answer.status_code, answer.json()["is_dispensed"], answer.json()["dispensed_by"]) == (200, True, "pharma")
    again = pharmacy.post(f"/api/v1/pharmacy/dispense-records/{record['id']}/dispense/")
    assert again.status_code == 409
    assert again.json()["detail"].startswith("Already dispensed by pharma")
    dispensed = pharmacy.get("/api/v1/pharmacy/dispense-records/", {"status": "dispensed"}).json()
    assert [r["id"] for r in dispensed["results"]] == [record["id"]]

    answer = desk.post(f"/api/v1/visits/{visit['id']}/close/")
    assert (answer.status_code, answer.json()["is_active"]) == (200, False)

    audit = log_in(hospital_admin).get("/api/v1/audit/", {"page_size": 100}).json()
    actions = [event["action"] for event in reversed(audit["results"])]
    for action in (
        "patient.create",
        "visit.create",
        "consultation.view",
        "session.start",
        "prescription.item_add",
        "prescription.item_stop",
        "session.complete",
        "prescription.view",
        "dispense.print",
        "dispense.dispense",
        "visit.close",
    ):
        assert action in actions
    assert actions.index("visit.create") < actions.index("session.complete") < actions.index("dispense.dispense")
    assert all(event["hospital"] == hospital.pk for event in audit["results"])


def test_revoking_the_token_in_use_logs_the_client_out(receptionist):
    client = log_in(receptionist)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    answer = client.get("/api/v1/me/")
    assert (answer.status_code, answer.json()) == (
        401,
        {"detail": "Invalid or expired token.", "code": "authentication_failed"},
    )
