import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.consultations.models import ConsultationSession
from apps.discovery.demo import DEMO_ACCOUNTS, DEMO_HOSPITAL_NAME, DEMO_PASSWORD
from apps.hospitals.models import Hospital
from apps.patients.models import Patient
from apps.pharmacy.models import DispenseRecord
from common.constants import Role, SessionStatus

HOME_OF_ROLE = {
    Role.SUPER_ADMIN: "/hospitals/",
    Role.HOSPITAL_ADMIN: "/staff/",
    Role.RECEPTIONIST: "/visits/",
    Role.DOCTOR: "/consultations/queue/",
    Role.MEDICAL_STAFF: "/pharmacy/",
}


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=None)
    return Hospital.objects.get(name=DEMO_HOSPITAL_NAME)


def test_seed_demo_prints_every_account(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.username in out
    assert DEMO_PASSWORD in out


def test_seed_demo_twice_changes_nothing(seeded):
    models = (User, Patient, ConsultationSession, AuditEvent)
    before = [model.objects.count() for model in models]
    call_command("seed_demo")
    assert [model.objects.count() for model in models] == before


def test_seed_demo_builds_visits_at_every_stage(seeded):
    sessions = ConsultationSession.objects.filter(hospital=seeded)
    assert sessions.filter(status=SessionStatus.OPEN, started_at__isnull=True).exists(), "waiting"
    assert sessions.filter(status=SessionStatus.OPEN, started_at__isnull=False).exists(), "in consultation"
    records = DispenseRecord.objects.filter(hospital=seeded)
    assert records.filter(is_printed=False).exists(), "completed, waiting for print"
    assert records.filter(is_printed=True, is_dispensed=False).exists(), "printed"
    assert records.filter(is_dispensed=True).exists(), "dispensed"


def test_seed_demo_shares_one_phone_across_a_family(seeded):
    assert Patient.objects.filter(hospital=seeded, phone_number="9876500001").count() == 3


@override_settings(ENVIRONMENT="production")
def test_seed_demo_refuses_production_settings_without_force(db):
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not Hospital.objects.exists()


@override_settings(ENVIRONMENT="production")
def test_seed_demo_runs_in_production_with_force(db):
    call_command("seed_demo", force=True)
    assert Hospital.objects.filter(name=DEMO_HOSPITAL_NAME).exists()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_each_demo_account_logs_in_and_lands_on_its_page(seeded, client, account):
    response = client.post("/login/", {"username": account.username, "password": DEMO_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == HOME_OF_ROLE[account.role]


@override_settings(DEMO_MODE=True)
def test_login_page_lists_demo_accounts_in_demo_mode(seeded, client):
    page = client.get("/login/").content.decode()
    for account in DEMO_ACCOUNTS:
        assert account.username in page


@override_settings(DEMO_MODE=False)
def test_login_page_hides_demo_accounts_outside_demo_mode(seeded, client):
    assert "demo_doctor" not in client.get("/login/").content.decode()


def test_the_demo_doctors_have_their_registration_and_a_patient_her_allergy(seeded):
    from apps.patients.models import PatientAllergy
    from apps.prescriptions.models import PrescriptionItem

    doctors = User.objects.filter(hospital=seeded, role=Role.DOCTOR)
    assert all(doctor.registration_number and doctor.qualification for doctor in doctors)
    penicillin = PatientAllergy.objects.get(hospital=seeded, substance="Penicillin", is_active=True)
    assert (penicillin.patient.full_name, penicillin.severity) == ("Fatima Sheikh", "severe")
    assert PatientAllergy.objects.filter(hospital=seeded, category="condition").exists()
    # The pharmacy has an overridden allergy to look at (Ramesh's statin).
    assert PrescriptionItem.objects.filter(hospital=seeded).exclude(allergy_override_reason="").exists()


def test_the_demo_chart_and_the_pharmacy_show_the_allergies(seeded, client):
    from apps.patients.models import PatientAllergy

    fatima = PatientAllergy.objects.get(hospital=seeded, substance="Penicillin").patient
    client.force_login(User.objects.get(username="demo_reception"))
    assert "Allergy: Penicillin" in client.get(f"/visits/patients/{fatima.pk}/").content.decode()
    client.force_login(User.objects.get(username="demo_pharmacy"))
    page = client.get("/pharmacy/?status=dispensed").content.decode()
    assert "Allergy overridden" in page
