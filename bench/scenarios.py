"""The key requests of an OPD day, and the mixed workload, written once for every way of sending them.

A scenario is a named request built from the plan (bench/plan.py: who logs in, which
patients, sessions and records exist). The query counter sends it through Django's
test client in-process; the load generator sends it over HTTP to gunicorn. Standard
library only: the load generator imports this without Django.
"""

import random
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    user: str | None  # username; None: anonymous
    api: bool  # True: JSON with a bearer token; False: a page or form with the user's session
    body: dict | None = None
    expect: tuple[int, ...] = (200,)
    headers: dict | None = None  # extra headers (the display's If-None-Match)


class Client(Protocol):
    def send(self, request: Request) -> tuple[int, Any]:
        """Sends one request; returns the status and the decoded JSON (API) or the text (pages)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # "read" or "write": the latency target differs
    requests: Callable[[dict, Client], Iterator[Request]]


VITALS = {
    "height_cm": "162",
    "weight_kg": "58.5",
    "blood_pressure": "124/82",
    "pulse_rate": "76",
    "temperature_c": "36.8",
}
NEW_ITEM = {"dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days", "instructions": "after food"}


def _fixed(request_of_plan: Callable[[dict], Request]) -> Callable[[dict, Client], Iterator[Request]]:
    def requests(plan: dict, client: Client) -> Iterator[Request]:
        request = request_of_plan(plan)
        while True:
            yield request

    return requests


def _log_in_page(plan: dict, client: Client) -> Iterator[Request]:
    body = {"username": plan["users"]["desk"], "password": plan["password"]}
    while True:
        yield Request("POST", "/login/", None, api=False, body=body, expect=(302,))


def _log_in_api(plan: dict, client: Client) -> Iterator[Request]:
    body = {"username": plan["users"]["desk"], "password": plan["password"]}
    while True:
        yield Request("POST", "/api/v1/auth/token/", None, api=True, body=body, expect=(201,))


def _create_visit(api: bool) -> Callable[[dict, Client], Iterator[Request]]:
    def requests(plan: dict, client: Client) -> Iterator[Request]:
        # Each patient once: a second active visit with the same doctor is (rightly) refused.
        patients = plan["new_visit_patients"]["api" if api else "web"]
        doctor, desk = plan["ids"]["visit_doctor"], plan["users"]["desk"]
        for patient in patients:
            if api:
                body = {"patient": patient, "doctor": doctor, "vitals": VITALS}
                yield Request("POST", "/api/v1/visits/", desk, api=True, body=body, expect=(201,))
            else:
                body = {"patient": patient, "doctor": doctor, **VITALS, "submission_token": uuid.uuid4().hex}
                yield Request("POST", f"/visits/patients/{patient}/", desk, api=False, body=body, expect=(302,))
        raise RuntimeError("The plan has too few patients without a visit for the iterations asked.")

    return requests


def _add_item(api: bool) -> Callable[[dict, Client], Iterator[Request]]:
    def requests(plan: dict, client: Client) -> Iterator[Request]:
        doctor = plan["users"]["doctor"]
        sessions = plan["add_item_sessions"]["api" if api else "web"]
        # Starting the session creates its prescription (once); only the add itself is measured.
        prescriptions = {}
        for session in sessions:
            start = Request("POST", f"/api/v1/sessions/{session}/start/", doctor, api=True)
            status, consultation = client.send(start)
            if status != 200:
                raise RuntimeError(f"Starting session {session} for the benchmark gave {status}.")
            prescriptions[session] = consultation["prescription"]["id"]
        run = uuid.uuid4().hex[:6]  # later runs add to the same prescriptions: names must not repeat
        n = 0
        while True:
            session = sessions[n % len(sessions)]
            item = {"medicine_name": f"Bench medicine {run}-{n}", **NEW_ITEM}
            if api:
                path = f"/api/v1/prescriptions/{prescriptions[session]}/items/"
                yield Request("POST", path, doctor, api=True, body={"session": session, **item}, expect=(201,))
            else:
                path = f"/consultations/sessions/{session}/items/"
                yield Request("POST", path, doctor, api=False, body=item, expect=(302,))
            n += 1

    return requests


def _save_record(api: bool) -> Callable[[dict, Client], Iterator[Request]]:
    """The doctor's notes saved as they type: a PATCH of the record (API) or the page's form post (web),
    in the started sessions of the add-item scenario (starting them again changes nothing)."""

    def requests(plan: dict, client: Client) -> Iterator[Request]:
        doctor = plan["users"]["doctor"]
        sessions = plan["add_item_sessions"]["api" if api else "web"]
        for session in sessions:
            status, _ = client.send(Request("POST", f"/api/v1/sessions/{session}/start/", doctor, api=True))
            if status != 200:
                raise RuntimeError(f"Starting session {session} for the benchmark gave {status}.")
        run, n = uuid.uuid4().hex[:6], 0
        while True:
            session = sessions[n % len(sessions)]
            notes = {
                "history": f"Bench notes {run}-{n}",
                "complaints": [{"text": "Fever", "duration": f"{n % 9 + 1} days"}],
            }
            if api:
                path = f"/api/v1/sessions/{session}/record/"
                yield Request("PATCH", path, doctor, api=True, body={**notes, "diagnoses": [{"icd_code": "I10"}]})
            else:
                body = {
                    "history": notes["history"],
                    "complaint_text_1": "Fever",
                    "complaint_duration_1": f"{n % 9 + 1} days",
                }
                yield Request(
                    "POST", f"/consultations/sessions/{session}/record/", doctor, api=False, body=body, expect=(302,)
                )
            n += 1

    return requests


def _get(path: str, role: str, api: bool) -> Callable[[dict, Client], Iterator[Request]]:
    """A GET of `path` (formatted with the plan's ids and search terms) as the plan's user of `role`."""

    def request(plan: dict) -> Request:
        search = {key: quote(value) for key, value in plan["search"].items()}  # a full name has a space
        return Request("GET", path.format(**plan["ids"], **search), plan["users"][role], api)

    return _fixed(request)


# Reads first: the writes change what some reads show (more items on a prescription, longer queues).
def _display_poll(changed: bool) -> Callable[[dict, Client], Iterator[Request]]:
    """The waiting-room display's poll (apps/waitingroom): with the ETag it holds, unchanged (304, what an
    idle screen costs), or with a stale one (200: the whole board, what a screen costs after a call)."""

    def requests(plan: dict, client: Client) -> Iterator[Request]:
        path = f"/display/{plan['display_key']}/state/"
        _, board = client.send(Request("GET", path, None, api=True))
        etag = '"stale"' if changed else f'"{board["version"]}"'
        request = Request(
            "GET", path, None, api=True, headers={"If-None-Match": etag}, expect=(200,) if changed else (304,)
        )
        while True:
            yield request

    return requests


SCENARIOS = [
    Scenario("log-in page", "read", _fixed(lambda plan: Request("GET", "/login/", None, api=False))),
    Scenario("search by name", "read", _get("/visits/?q={name}", "desk", api=False)),
    Scenario("search by phone", "read", _get("/visits/?q={phone}", "desk", api=False)),
    Scenario("search by MRN", "read", _get("/visits/?q={mrn}", "desk", api=False)),
    Scenario("patient chart", "read", _get("/visits/patients/{chart_patient}/", "desk", api=False)),
    Scenario("doctor's queue", "read", _get("/consultations/queue/", "doctor", api=False)),
    Scenario("consultation page", "read", _get("/consultations/sessions/{consult_session}/", "doctor", api=False)),
    Scenario("pharmacy list", "read", _get("/pharmacy/", "pharmacy", api=False)),
    Scenario("pharmacy, dispensed", "read", _get("/pharmacy/?status=dispensed", "pharmacy", api=False)),
    Scenario("print view", "read", _get("/pharmacy/records/{print_record}/print-view/", "pharmacy", api=False)),
    Scenario("audit log, hospital", "read", _get("/audit/", "admin", api=False)),
    Scenario("audit log, all hospitals", "read", _get("/audit/", "root", api=False)),
    Scenario("API search by name", "read", _get("/api/v1/patients/?q={name}", "desk", api=True)),
    Scenario("API search by phone", "read", _get("/api/v1/patients/?q={phone}", "desk", api=True)),
    Scenario("API search by MRN", "read", _get("/api/v1/patients/?q={mrn}", "desk", api=True)),
    Scenario("API queue", "read", _get("/api/v1/queue/", "doctor", api=True)),
    Scenario("API session", "read", _get("/api/v1/sessions/{consult_session}/", "doctor", api=True)),
    Scenario("API dispense records", "read", _get("/api/v1/pharmacy/dispense-records/", "pharmacy", api=True)),
    Scenario("API audit, hospital", "read", _get("/api/v1/audit/", "admin", api=True)),
    # ICD-10 search over the whole code list (the in-memory index) and the consultation record.
    Scenario("API ICD-10 search, shorthand", "read", _get("/api/v1/icd10/?q=HTN", "doctor", api=True)),
    Scenario("API ICD-10 search, words", "read", _get("/api/v1/icd10/?q=infection+of", "doctor", api=True)),
    Scenario("API ICD-10 search, code prefix", "read", _get("/api/v1/icd10/?q=J06", "doctor", api=True)),
    Scenario("API record", "read", _get("/api/v1/sessions/{consult_session}/record/", "doctor", api=True)),
    Scenario("display poll, unchanged (304)", "read", _display_poll(changed=False)),
    Scenario("display poll, changed (200)", "read", _display_poll(changed=True)),
    Scenario("log in", "write", _log_in_page),
    Scenario("API log in (token)", "write", _log_in_api),
    Scenario("create visit", "write", _create_visit(api=False)),
    Scenario("API create visit", "write", _create_visit(api=True)),
    Scenario("add item", "write", _add_item(api=False)),
    Scenario("API add item", "write", _add_item(api=True)),
    Scenario("save notes", "write", _save_record(api=False)),
    Scenario("API save notes", "write", _save_record(api=True)),
]


def _create_patient(plan: dict, client: Client) -> Iterator[Request]:
    desk, run, n = plan["users"]["desk"], uuid.uuid4().hex[:6], 0
    while True:  # a new name each time: nothing refuses a repeat, but the list by name should not grow with it
        body = {"full_name": f"Bench Patient {run}{n}", "age": 34, "gender": "F", "phone_number": "9800000000"}
        yield Request("POST", "/api/v1/patients/", desk, api=True, body=body, expect=(201,))
        n += 1


# Each key request ALONE, at full speed from several clients, as a share of the floor measured in the
# same run (bench.loadgen alone; issue 13 §9). The writes consume the plan's sessions: the load
# generator gives each client a slice of its own, so no two clients add to one prescription.
KEY_REQUESTS = [
    Scenario("API list by name", "read", _get("/api/v1/patients/?q={fragment}&page_size=14", "desk", api=True)),
    Scenario("API full-name search", "read", _get("/api/v1/patients/?q={full_name}", "desk", api=True)),
    Scenario("API visit list", "read", _get("/api/v1/visits/?patient={chart_patient}", "desk", api=True)),
    Scenario("API patient detail", "read", _get("/api/v1/patients/{chart_patient}/", "desk", api=True)),
    Scenario("API queue", "read", _get("/api/v1/queue/", "doctor", api=True)),
    Scenario("session page", "read", _get("/consultations/sessions/{consult_session}/", "doctor", api=False)),
    Scenario("API session", "read", _get("/api/v1/sessions/{consult_session}/", "doctor", api=True)),
    Scenario("API pharmacy list", "read", _get("/api/v1/pharmacy/dispense-records/?status=pending", "pharmacy", True)),
    Scenario("API audit list", "read", _get("/api/v1/audit/", "admin", api=True)),
    Scenario("API create patient", "write", _create_patient),
    Scenario("API add item", "write", _add_item(api=True)),
    Scenario("add item", "write", _add_item(api=False)),
]


# -- the mixed workload ------------------------------------------------------------------------
@dataclass
class Worker:
    """One virtual front desk + doctor + pharmacist of a hospital, serving its own patients in turn."""

    hospital: dict
    patients: list[list]  # [id, full name, phone, MRN]: this worker's own, no two workers share one
    share: tuple[int, int]  # (index, of): the pharmacy records this worker dispenses (id % of == index)
    rng: random.Random = field(default_factory=random.Random)
    served: int = 0

    def flow(self) -> Generator[tuple[str, Request], tuple[int, Any], None]:
        """One patient's visit, start to end. Each step yields (label, request) and is sent back
        (status, body); a status outside the request's `expect` is an error and ends the flow."""
        h = self.hospital
        desk, doctor, pharmacist = h["desk"], h["doctor"], h["pharmacy"]
        patient_id, name, phone, mrn = self.patients[self.served % len(self.patients)]
        self.served += 1
        if self.rng.random() < 0.25:  # a new patient registers
            body = {"full_name": name, "age": 34, "gender": "F", "phone_number": phone}
            _, patient = yield "register patient", Request("POST", "/api/v1/patients/", desk, True, body, (201,))
            patient_id = patient["id"]
        else:
            yield "search by name", Request("GET", f"/api/v1/patients/?q={name.split()[-1]}", desk, True)
            query = phone if self.rng.random() < 0.5 else mrn
            yield "search by phone or MRN", Request("GET", f"/api/v1/patients/?q={query}", desk, True)
        body = {"patient": patient_id, "doctor": h["doctor_id"], "vitals": VITALS}
        _, visit = yield "create visit", Request("POST", "/api/v1/visits/", desk, True, body, (201,))
        session = visit["sessions"][0]["id"]
        yield "queue", Request("GET", "/api/v1/queue/", doctor, True)
        yield "open session", Request("GET", f"/api/v1/sessions/{session}/", doctor, True)
        _, consultation = yield "start", Request("POST", f"/api/v1/sessions/{session}/start/", doctor, True, {}, (200,))
        prescription = consultation["prescription"]["id"]
        for medicine in self.rng.sample(("Paracetamol", "Amoxicillin", "Cetirizine", "Pantoprazole", "ORS"), 2):
            item = {"session": session, "medicine_name": medicine, **NEW_ITEM}
            path = f"/api/v1/prescriptions/{prescription}/items/"
            yield "add item", Request("POST", path, doctor, True, item, (201,))
        yield "complete", Request("POST", f"/api/v1/sessions/{session}/complete/", doctor, True, {}, (200,))
        _, page = yield (
            "pharmacy list",
            Request("GET", "/api/v1/pharmacy/dispense-records/?status=pending", pharmacist, True),
        )
        index, of = self.share
        mine = [record for record in page["results"] if record["id"] % of == index]
        if mine:
            record = mine[0]
            base = f"/api/v1/pharmacy/dispense-records/{record['id']}"
            yield "view record", Request("GET", f"{base}/", pharmacist, True)
            if not record["is_printed"]:
                yield "print", Request("POST", f"{base}/print/", pharmacist, True, {}, (200,))
            yield "dispense", Request("POST", f"{base}/dispense/", pharmacist, True, {}, (200,))
        yield "close visit", Request("POST", f"/api/v1/visits/{visit['id']}/close/", desk, True, {}, (200,))
