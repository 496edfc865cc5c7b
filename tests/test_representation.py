"""common.representation answers exactly what DRF's serializers answer, for every API read of an OPD morning."""

import json

import pytest

from apps.accounts import services as accounts
from common import representation

pytestmark = pytest.mark.django_db


def _reads(w) -> list[tuple[object, str]]:
    """(user, path) for every API read, over rows with and without vitals, prescription, print and dispensing."""
    return [
        (w.receptionist, "/api/v1/patients/"),
        (w.receptionist, "/api/v1/patients/?q=Patient"),
        (w.receptionist, f"/api/v1/patients/{w.patient.pk}/"),
        (w.receptionist, "/api/v1/visits/"),
        (w.receptionist, f"/api/v1/visits/{w.visit.pk}/"),
        (w.receptionist, f"/api/v1/visits/{w.visit2.pk}/"),
        (w.receptionist, "/api/v1/doctors/"),
        (w.receptionist, "/api/v1/me/"),
        (w.doctor, "/api/v1/queue/"),
        (w.doctor, f"/api/v1/sessions/{w.session.pk}/"),
        (w.doctor, f"/api/v1/sessions/{w.waiting.pk}/"),  # no prescription yet: null
        (w.doctor, f"/api/v1/prescriptions/{w.prescription.pk}/"),
        (w.medical_staff, "/api/v1/pharmacy/dispense-records/"),
        (w.medical_staff, "/api/v1/pharmacy/dispense-records/?status=printed"),
        (w.medical_staff, f"/api/v1/pharmacy/dispense-records/{w.record.pk}/"),
        (w.hospital_admin, "/api/v1/users/"),
        (w.hospital_admin, "/api/v1/audit/?action=visit.create"),  # reads add events of their own
        (w.root, f"/api/v1/hospitals/{w.hospital.pk}/"),
        (w.root, "/api/v1/hospitals/"),
        (w.root, "/api/v1/users/"),
        (w.root, "/api/v1/audit/?action=visit.create"),  # reads add events of their own
    ]


def _answers(client, w, monkeypatch, tokens: dict, *, planned: bool) -> list:
    if not planned:  # every class answers through DRF itself
        monkeypatch.setattr(representation, "_plan_of", lambda output_class: representation._UNPLANNABLE)
    answers = []
    for user, path in _reads(w):
        if user.pk not in tokens:
            tokens[user.pk] = accounts.issue_api_token(user=user)[1]
        response = client.get(path, headers={"Authorization": f"Bearer {tokens[user.pk]}"})
        assert response.status_code == 200, (path, response.content[:300])
        answers.append((path, json.loads(response.content)))
    monkeypatch.undo()
    return answers


def test_every_api_read_answers_the_same_json_as_drfs_serializers(client, world, monkeypatch):
    tokens: dict = {}  # issued once: a log-in changes what /me/ and /users/ show
    _answers(client, world, monkeypatch, tokens, planned=True)
    planned = _answers(client, world, monkeypatch, tokens, planned=True)
    drf = _answers(client, world, monkeypatch, tokens, planned=False)
    for (path, fast), (_, slow) in zip(planned, drf, strict=True):
        assert fast == slow, path
        assert list(json.dumps(fast)) == list(json.dumps(slow)), path  # the same keys in the same order


def test_every_output_serializer_of_the_api_is_planned(world):
    from apps.accounts.serializers import TokenOutput, UserOutput
    from apps.audit.serializers import AuditEventOutput
    from apps.consultations.serializers import SessionOutput
    from apps.hospitals.serializers import HospitalOutput
    from apps.opd.serializers import ConsultationOutput, QueueEntryOutput
    from apps.patients.serializers import PatientOutput
    from apps.pharmacy.serializers import DispenseRecordOutput
    from apps.prescriptions.serializers import ItemOutput, PrescriptionOutput
    from apps.visits.serializers import DoctorOutput, VisitOutput

    classes = [TokenOutput, UserOutput, AuditEventOutput, SessionOutput, HospitalOutput, ConsultationOutput,
               QueueEntryOutput, PatientOutput, DispenseRecordOutput, ItemOutput, PrescriptionOutput, DoctorOutput,
               VisitOutput]  # fmt: skip
    unplanned = [cls.__name__ for cls in classes if representation._plan_of(cls) is representation._UNPLANNABLE]
    assert not unplanned, f"answered through DRF's slow path: {unplanned} (a field kind common.representation lacks?)"
