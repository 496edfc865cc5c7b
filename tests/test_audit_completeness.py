"""Every service action writes exactly one audit event, in its own transaction; a refused one writes none.

One table: each row runs one service as a user of the demo-like world and names the
action it must record. A guard test makes sure that every public function of every
`apps/*/services.py` is either in the table or known to be a step or a helper (which
writes nothing of its own), so a new service cannot slip past.
"""

import importlib
import inspect
import pkgutil

import pytest

import apps
from apps.accounts import services as accounts
from apps.audit import services as audit
from apps.audit.models import AuditEvent
from apps.billing import services as billing
from apps.consultations import services as consultations
from apps.consultations.models import IcdSynonym, PickListEntry
from apps.formulary import services as formulary
from apps.hospitals import services as hospitals
from apps.opd import services as opd
from apps.patients import services as patients
from apps.pharmacy import services as pharmacy
from apps.prescriptions import services as prescriptions
from apps.visits import services as visits
from apps.waitingroom import services as waitingroom
from common.constants import Role
from common.exceptions import DomainError
from tests.api_world import MEDICINE

pytestmark = pytest.mark.django_db


def _arranged(session, **state):
    """The session put straight into a queue state (arranging, as factories do: no service, no event)."""
    from django.utils import timezone

    from apps.consultations.models import ConsultationSession

    ConsultationSession.objects.filter(pk=session.pk).update(
        **{k: timezone.now() if v is True else v for k, v in state.items()}
    )
    session.refresh_from_db()
    return session


def _display(w):
    """A display key put straight into the table (arranging: no service, no event)."""
    from apps.waitingroom.models import DisplayKey

    return DisplayKey.objects.create(
        hospital=w.hospital, name="Hall", key_hash="0" * 64, key_prefix="000000", created_by=w.hospital_admin
    )


NEW_PASSWORD = "a-long-enough-secret-9"


def _template(w):
    from apps.prescriptions.tests.factories import PrescriptionTemplateFactory

    return PrescriptionTemplateFactory(doctor=w.doctor)


def _follow_up_session(w):
    """A started session of a later visit of visit2's patient (whose first visit has a prescription)."""
    from apps.consultations.tests.factories import ConsultationSessionFactory
    from apps.visits.tests.factories import VisitFactory

    visit = VisitFactory(hospital=w.hospital, doctor=w.doctor, patient=w.visit2.patient)
    return ConsultationSessionFactory(visit=visit, session_number=1, started=True, token_number=900)


# (service, the action it records, the call)
ACTIONS = [
    (hospitals.create_hospital, "hospital.create", lambda w: hospitals.create_hospital(by=w.root, name="New", max_doctors=1, max_receptionists=1, max_medical_staff=1)),
    (hospitals.update_hospital, "hospital.update", lambda w: hospitals.update_hospital(by=w.root, hospital=w.hospital, phone="020 1234")),
    (hospitals.set_hospital_status, "hospital.deactivate", lambda w: hospitals.set_hospital_status(by=w.root, hospital=w.hospital, is_active=False)),
    (accounts.create_staff_user, "user.create", lambda w: accounts.create_staff_user(by=w.hospital_admin, hospital=w.hospital, role=Role.RECEPTIONIST, username="new", password=NEW_PASSWORD)),
    (accounts.set_staff_status, "user.deactivate", lambda w: accounts.set_staff_status(by=w.hospital_admin, user=w.receptionist, is_active=False)),
    (accounts.update_staff_details, "user.update", lambda w: accounts.update_staff_details(by=w.hospital_admin, user=w.receptionist, first_name="Renamed")),
    (accounts.update_staff_details, "user.password_change", lambda w: accounts.update_staff_details(by=w.hospital_admin, user=w.receptionist, password=NEW_PASSWORD)),
    (accounts.update_staff_account, "user.update", lambda w: accounts.update_staff_account(by=w.hospital_admin, user=w.receptionist, username="renamed")),
    (accounts.issue_api_token, "auth.token_create", lambda w: accounts.issue_api_token(user=w.receptionist)),
    (accounts.revoke_api_token, "auth.token_revoke", lambda w: accounts.revoke_api_token(user=w.receptionist, token=w.token)),
    (accounts.record_login, "auth.login", lambda w: accounts.record_login(user=w.doctor)),
    (accounts.record_login_failed, "auth.login_failed", lambda w: accounts.record_login_failed(username="doctor")),
    (accounts.record_lockout, "auth.lockout", lambda w: accounts.record_lockout(username="doctor")),
    (accounts.record_logout, "auth.logout", lambda w: accounts.record_logout(user=w.doctor)),
    (patients.create_patient, "patient.create", lambda w: patients.create_patient(by=w.receptionist, full_name="New", age=3, gender="M")),
    (patients.update_patient, "patient.update", lambda w: patients.update_patient(by=w.receptionist, patient=w.patient, full_name="Renamed Patient", phone_number="9123456789", address="Elsewhere")),
    (patients.record_allergy, "allergy.create", lambda w: patients.record_allergy(by=w.doctor, patient=w.patient3, substance="Sulfa drugs", kind="drug", severity="moderate", reaction="Hives")),
    (patients.record_allergy, "allergy.create", lambda w: patients.record_allergy(by=w.receptionist, patient=w.patient3, category="condition", substance="Type 2 diabetes", icd_code="E11")),
    (patients.retire_allergy, "allergy.retire", lambda w: patients.retire_allergy(by=w.receptionist, allergy=w.allergy)),
    (visits.create_visit_with_vitals, "visit.create", lambda w: visits.create_visit_with_vitals(by=w.receptionist, patient=w.patient3, doctor=w.doctor, vitals={"pulse_rate": 80, "blood_pressure": "135/85", "temperature_c": "38.6", "weight_kg": "71.3"})),
    (visits.start_follow_up, "visit.follow_up", lambda w: visits.start_follow_up(by=w.receptionist, visit=w.visit2)),
    (visits.close_visit, "visit.close", lambda w: visits.close_visit(by=w.doctor, visit=w.visit2)),
    (consultations.record_session_view, "consultation.view", lambda w: consultations.record_session_view(by=w.doctor, session=w.session)),
    (opd.start_consultation, "session.start", lambda w: opd.start_consultation(by=w.doctor, session=w.waiting)),
    (opd.complete_consultation, "session.complete", lambda w: opd.complete_consultation(by=w.doctor, session=w.session)),
    (prescriptions.record_prescription_view, "prescription.view", lambda w: prescriptions.record_prescription_view(by=w.medical_staff, prescription=w.prescription)),
    (prescriptions.add_prescription_item, "prescription.item_add", lambda w: prescriptions.add_prescription_item(by=w.doctor, session=w.session, medicine_name="Cetirizine", instructions="after food", **MEDICINE)),
    (prescriptions.add_prescription_item, "prescription.item_add", lambda w: prescriptions.add_prescription_item(by=w.doctor, session=w.session, medicine_name="Benzathine penicillin", allergy_override_reason="Tolerated it last year under watch", **MEDICINE)),
    (accounts.update_staff_details, "user.update", lambda w: accounts.update_staff_details(by=w.hospital_admin, user=w.doctor, qualification="MBBS, MD", registration_council="Maharashtra Medical Council", registration_number="MMC-2011/04567")),
    (prescriptions.stop_prescription_item, "prescription.item_stop", lambda w: prescriptions.stop_prescription_item(by=w.doctor, session=w.session, item=w.item)),
    (consultations.update_consultation_record, "consultation.record_update", lambda w: consultations.update_consultation_record(by=w.doctor, session=w.session, complaints=[{"text": "Fever", "duration": "3 days"}], history="Fever since Monday evening", examination="Throat congested", diagnoses=[{"icd_code": "J06.9", "kind": "primary", "certainty": "provisional"}, {"text": "Viral fever?"}], investigations=["Dengue NS1 / IgM"], advice="Plenty of oral fluids", follow_up_days=5)),
    (consultations.add_pick_list_entry, "picklist.create", lambda w: consultations.add_pick_list_entry(by=w.hospital_admin, kind="investigation", text="Serum ferritin")),
    (consultations.set_pick_list_entry_status, "picklist.update", lambda w: consultations.set_pick_list_entry_status(by=w.hospital_admin, entry=PickListEntry.objects.create(hospital=w.hospital, kind="advice", text="Walk daily"), is_active=False)),
    (consultations.add_icd_synonym, "icd_synonym.create", lambda w: consultations.add_icd_synonym(by=w.hospital_admin, term="ht2", icd_code="I15.9")),
    (consultations.set_icd_synonym_status, "icd_synonym.update", lambda w: consultations.set_icd_synonym_status(by=w.hospital_admin, synonym=IcdSynonym.objects.create(hospital=w.hospital, term="HT2", icd_code="I15.9"), is_active=False)),
    (pharmacy.record_dispense_view, "dispense.view", lambda w: pharmacy.record_dispense_view(by=w.medical_staff, record=w.record, page="labels")),
    (pharmacy.mark_as_printed, "dispense.print", lambda w: pharmacy.mark_as_printed(by=w.medical_staff, record=w.record)),
    (pharmacy.mark_as_dispensed, "dispense.dispense", lambda w: pharmacy.mark_as_dispensed(by=w.medical_staff, record=w.record)),
    (billing.update_billing_settings, "billing.settings_update", lambda w: billing.update_billing_settings(by=w.hospital_admin, follow_up_fee=5000, require_payment_before_consultation=True)),
    (billing.set_doctor_fee, "billing.doctor_fee_set", lambda w: billing.set_doctor_fee(by=w.hospital_admin, doctor=w.doctor, fee=45000)),
    (billing.save_price_item, "billing.price_item_create", lambda w: billing.save_price_item(by=w.hospital_admin, name="ECG", price=20000)),
    (billing.save_price_item, "billing.price_item_update", lambda w: billing.save_price_item(by=w.hospital_admin, item=w.price_item, price=17500)),
    (billing.create_bill, "bill.create", lambda w: billing.create_bill(by=w.receptionist, visit=w.waiting.visit, extras=[(w.price_item, 2)])),
    (billing.add_charge, "bill.charge", lambda w: billing.add_charge(by=w.receptionist, bill=w.bill, price_item=w.price_item)),
    (billing.give_discount, "bill.discount", lambda w: billing.give_discount(by=w.receptionist, bill=w.bill, amount=2000, reason="Diabetic follow-up, senior citizen")),
    (billing.cancel_bill, "bill.cancel", lambda w: billing.cancel_bill(by=w.receptionist, bill=w.bill, reason="Fever case sent to casualty")),
    (billing.take_payment, "payment.create", lambda w: billing.take_payment(by=w.receptionist, bill=w.bill, amount=5000, mode="upi", reference="UPI-99881")),
    (billing.refund_payment, "payment.refund", lambda w: billing.refund_payment(by=w.hospital_admin, bill=w.bill2, amount=15000, mode="cash", reason="Dressing not done: wound healed")),
    (billing.close_day, "cash.close", lambda w: billing.close_day(by=w.receptionist)),
    (prescriptions.create_template, "prescription_template.create", lambda w: prescriptions.create_template(by=w.doctor, session=w.session, name="Fever")),
    (prescriptions.update_template, "prescription_template.update", lambda w: prescriptions.update_template(by=w.doctor, template=_template(w), name="Fever, adult", session=w.session)),
    (prescriptions.delete_template, "prescription_template.delete", lambda w: prescriptions.delete_template(by=w.doctor, template=_template(w))),
    (prescriptions.apply_template, "prescription.template_apply", lambda w: prescriptions.apply_template(by=w.doctor, session=w.session, template=_template(w))),
    (prescriptions.repeat_last_visit, "prescription.repeat", lambda w: prescriptions.repeat_last_visit(by=w.doctor, session=_follow_up_session(w))),
    (formulary.create_formulary_entry, "formulary.entry_create", lambda w: formulary.create_formulary_entry(by=w.hospital_admin, generic_name="Iron", form="tablet")),
    (formulary.update_formulary_entry, "formulary.entry_update", lambda w: formulary.update_formulary_entry(by=w.hospital_admin, entry=w.entry, brand_names="Zincovit")),
    (formulary.import_formulary_csv, "formulary.import", lambda w: formulary.import_formulary_csv(by=w.hospital_admin, text="generic_name,form\nIron,tablet\n")),
    (consultations.call_next, "queue.call", lambda w: consultations.call_next(by=w.doctor)),
    (consultations.recall_patient, "queue.recall", lambda w: consultations.recall_patient(by=w.doctor, session=_arranged(w.waiting, called_at=True))),
    (consultations.skip_patient, "queue.skip", lambda w: consultations.skip_patient(by=w.doctor, session=_arranged(w.waiting, called_at=True))),
    (consultations.requeue_no_show, "queue.requeue", lambda w: consultations.requeue_no_show(by=w.receptionist, session=_arranged(w.waiting, no_show_at=True, skip_count=2))),
    (consultations.set_queue_priority, "queue.priority", lambda w: consultations.set_queue_priority(by=w.receptionist, session=w.waiting, priority="pregnant")),
    (visits.move_visit, "visit.move", lambda w: visits.move_visit(by=w.receptionist, visit=w.waiting.visit, doctor=w.doctor2)),
    (audit.record_audit_export, "audit.export", lambda w: audit.record_audit_export(by=w.hospital_admin, filters={"action": "visit.create"}, rows=2, complete=True)),
    (waitingroom.create_display_key, "display.create", lambda w: waitingroom.create_display_key(by=w.hospital_admin, name="Hall TV", doctor=w.doctor)),
    (waitingroom.revoke_display_key, "display.revoke", lambda w: waitingroom.revoke_display_key(by=w.hospital_admin, display=_display(w))),
    (waitingroom.set_display_initials, "display.settings", lambda w: waitingroom.set_display_initials(by=w.hospital_admin, show_initials=True)),
]  # fmt: skip


def fill_the_doctor_limit(w):
    for n in range(10):
        if not accounts.can_create_staff(w.hospital, Role.DOCTOR):
            return
        accounts.create_staff_user(
            by=w.hospital_admin, hospital=w.hospital, role=Role.DOCTOR, username=f"d{n}", password=NEW_PASSWORD
        )


# The same services, refused: each must leave the audit log as it was. (why, arrange or None, the call)
REFUSALS = [
    ("hospital name taken", None, lambda w: hospitals.create_hospital(by=w.root, name=w.hospital.name, max_doctors=1, max_receptionists=1, max_medical_staff=1)),
    ("hospital edited by its admin", None, lambda w: hospitals.update_hospital(by=w.hospital_admin, hospital=w.hospital, phone="1")),
    ("staff beyond the limit", fill_the_doctor_limit, lambda w: accounts.create_staff_user(by=w.hospital_admin, hospital=w.hospital, role=Role.DOCTOR, username="over", password=NEW_PASSWORD)),
    ("weak password", None, lambda w: accounts.update_staff_details(by=w.hospital_admin, user=w.receptionist, password="short")),
    ("deactivating oneself", None, lambda w: accounts.set_staff_status(by=w.hospital_admin, user=w.hospital_admin, is_active=False)),
    ("patient too old", None, lambda w: patients.create_patient(by=w.receptionist, full_name="Old", age=131, gender="M")),
    ("patient edited by a doctor", None, lambda w: patients.update_patient(by=w.doctor, patient=w.patient, address="x")),
    ("bad vitals", None, lambda w: visits.create_visit_with_vitals(by=w.receptionist, patient=w.patient3, doctor=w.doctor, vitals={"blood_pressure": "80/120"})),
    ("duplicate active visit", None, lambda w: visits.create_visit_with_vitals(by=w.receptionist, patient=w.patient, doctor=w.doctor)),
    ("follow-up while a session is open", None, lambda w: visits.start_follow_up(by=w.receptionist, visit=w.visit)),
    ("closing with a session open", None, lambda w: visits.close_visit(by=w.receptionist, visit=w.visit)),
    ("another doctor reads the session", None, lambda w: consultations.record_session_view(by=w.doctor2, session=w.session)),
    ("another doctor starts the session", None, lambda w: opd.start_consultation(by=w.doctor2, session=w.waiting)),
    ("completing before starting", None, lambda w: opd.complete_consultation(by=w.doctor, session=w.waiting)),
    ("completing twice", None, lambda w: opd.complete_consultation(by=w.doctor, session=w.visit2.sessions.get())),
    ("record written by another doctor", None, lambda w: consultations.update_consultation_record(by=w.doctor2, session=w.session, history="Cough")),
    ("record with a code ICD-10 does not have", None, lambda w: consultations.update_consultation_record(by=w.doctor, session=w.session, history="Cough", diagnoses=[{"icd_code": "Q99.99"}])),
    ("record of a session not started", None, lambda w: consultations.update_consultation_record(by=w.doctor, session=w.waiting, history="Cough")),
    ("record of a completed session", None, lambda w: consultations.update_consultation_record(by=w.doctor, session=w.visit2.sessions.get(), history="Cough")),
    ("oversized history", None, lambda w: consultations.update_consultation_record(by=w.doctor, session=w.session, history="x" * 4001)),
    ("pick list edited by a doctor", None, lambda w: consultations.add_pick_list_entry(by=w.doctor, kind="advice", text="Rest")),
    ("shorthand with an unknown code", None, lambda w: consultations.add_icd_synonym(by=w.hospital_admin, term="XX", icd_code="Q99.99")),
    ("duplicate medicine", None, lambda w: prescriptions.add_prescription_item(by=w.doctor, session=w.session, medicine_name="PARACETAMOL", **MEDICINE)),
    ("a medicine the patient is allergic to", None, lambda w: prescriptions.add_prescription_item(by=w.doctor, session=w.session, medicine_name="Penicillin V", **MEDICINE)),
    ("allergy recorded twice", None, lambda w: patients.record_allergy(by=w.receptionist, patient=w.patient, substance="PENICILLIN", kind="drug", severity="mild")),
    ("allergy recorded by the pharmacy", None, lambda w: patients.record_allergy(by=w.medical_staff, patient=w.patient3, substance="Egg", kind="food", severity="mild")),
    ("allergy without its severity", None, lambda w: patients.record_allergy(by=w.doctor, patient=w.patient3, substance="Egg", kind="food")),
    ("another hospital's allergy retired", None, lambda w: patients.retire_allergy(by=w.other.receptionist, allergy=w.allergy)),
    ("completing without a registration number", lambda w: setattr(w, "doctor", accounts.update_staff_details(by=w.hospital_admin, user=w.doctor, registration_number="")), lambda w: opd.complete_consultation(by=w.doctor, session=w.session)),
    ("a profile for a receptionist", None, lambda w: accounts.update_staff_details(by=w.hospital_admin, user=w.receptionist, qualification="MBBS")),
    ("stopping what is not active", None, lambda w: prescriptions.stop_prescription_item(by=w.doctor, session=w.session, medicine_name="Unknown")),
    ("prescription read by the front desk", None, lambda w: prescriptions.record_prescription_view(by=w.receptionist, prescription=w.prescription)),
    ("dispense page read by a doctor", None, lambda w: pharmacy.record_dispense_view(by=w.doctor, record=w.record, page="labels")),
    ("another hospital's record printed", None, lambda w: pharmacy.mark_as_printed(by=w.other.medical_staff, record=w.record)),
    ("bill by a doctor", None, lambda w: billing.create_bill(by=w.doctor, visit=w.waiting.visit)),
    ("session billed twice", None, lambda w: billing.create_bill(by=w.receptionist, visit=w.visit)),
    ("discount without a reason", None, lambda w: billing.give_discount(by=w.receptionist, bill=w.bill, amount=100, reason="")),
    ("payment above the balance", None, lambda w: billing.take_payment(by=w.receptionist, bill=w.bill, amount=30001, mode="cash")),
    ("UPI without a reference", None, lambda w: billing.take_payment(by=w.receptionist, bill=w.bill, amount=100, mode="upi")),
    ("refund by the front desk", None, lambda w: billing.refund_payment(by=w.receptionist, bill=w.bill2, amount=100, mode="cash", reason="x")),
    ("refund above what was paid", None, lambda w: billing.refund_payment(by=w.hospital_admin, bill=w.bill2, amount=45001, mode="cash", reason="x")),
    ("cancelling a bill with money on it", None, lambda w: billing.cancel_bill(by=w.receptionist, bill=w.bill2, reason="x")),
    ("closing a day twice", lambda w: billing.close_day(by=w.receptionist), lambda w: billing.close_day(by=w.receptionist)),
    ("paying after the day closed", lambda w: billing.close_day(by=w.receptionist), lambda w: billing.take_payment(by=w.receptionist, bill=w.bill, amount=100, mode="cash")),
    ("fee set by the front desk", None, lambda w: billing.set_doctor_fee(by=w.receptionist, doctor=w.doctor, fee=1)),
    ("another doctor's template edited", None, lambda w: prescriptions.update_template(by=w.doctor2, template=_template(w), name="Mine")),
    ("a template edited to nothing", None, lambda w: prescriptions.update_template(by=w.doctor, template=_template(w))),
    ("another doctor's template applied", None, lambda w: prescriptions.apply_template(by=w.doctor2, session=w.session, template=_template(w))),
    ("repeat without an earlier visit", None, lambda w: prescriptions.repeat_last_visit(by=w.doctor, session=w.session)),
    ("formulary edited by a doctor", None, lambda w: formulary.update_formulary_entry(by=w.doctor, entry=w.entry, brand_names="X")),
    ("formulary import with a bad row", None, lambda w: formulary.import_formulary_csv(by=w.hospital_admin, text="generic_name,form\nIron,bucket\n")),
    ("calling with nobody waiting", lambda w: consultations.call_next(by=w.doctor), lambda w: consultations.call_next(by=w.doctor)),
    ("recalling a token not called", None, lambda w: consultations.recall_patient(by=w.doctor, session=w.waiting)),
    ("skipping another doctor's token", None, lambda w: consultations.skip_patient(by=w.doctor2, session=_arranged(w.waiting, called_at=True))),
    ("requeueing a token that is no no-show", None, lambda w: consultations.requeue_no_show(by=w.receptionist, session=w.waiting)),
    ("priority of a started consultation", None, lambda w: consultations.set_queue_priority(by=w.receptionist, session=w.session, priority="elderly")),
    ("moving a started consultation", None, lambda w: visits.move_visit(by=w.receptionist, visit=w.visit, doctor=w.doctor2)),
    ("display key made by the front desk", None, lambda w: waitingroom.create_display_key(by=w.receptionist, name="TV")),
    ("display key without a name", None, lambda w: waitingroom.create_display_key(by=w.hospital_admin, name=" ")),
    ("another hospital's display key revoked", None, lambda w: waitingroom.revoke_display_key(by=w.other.hospital_admin, display=_display(w))),
    ("audit export by the front desk", None, lambda w: audit.record_audit_export(by=w.receptionist, filters={}, rows=0, complete=True)),
    ("dispensing twice", lambda w: pharmacy.mark_as_dispensed(by=w.medical_staff, record=w.record), lambda w: pharmacy.mark_as_dispensed(by=w.medical_staff, record=w.record)),
]  # fmt: skip

# Public functions of services modules that are not actions: steps inside an action (its event
# names what they made), pure validation and formatting, and the audit writer itself.
NOT_ACTIONS = {
    "can_create_staff",
    "limit_message",
    "hash_api_token",
    "end_sessions_of_hospital",
    "normalise_phone",
    "parse_blood_pressure",
    "build_vitals",
    "lock_doctor",
    "open_session",
    "next_token",
    "move_session",
    "start_session",
    "complete_session",
    "ensure_prescription",
    "structured_item_values",
    "load_nlem_formulary",
    "nlem_rows",
    "validate_entry",
    "check_formulary_csv",
    "export_formulary_csv",
    "check_allergies",
    "get_or_create_dispense_record",
    "consultation_charge",
    "ensure_paid_before_consultation",
    "record_event",
    "diff",
    "snapshot",
}


@pytest.mark.parametrize(("service", "action", "call"), ACTIONS, ids=[f"{s.__name__}:{a}" for s, a, _ in ACTIONS])
def test_each_service_records_exactly_one_event(world, service, action, call):
    last = AuditEvent.objects.latest("id").pk

    call(world)

    [event] = AuditEvent.objects.filter(pk__gt=last)
    assert event.action == action
    assert event.hospital_id != world.other.hospital.pk
    assert NEW_PASSWORD not in str(event.changes)


@pytest.mark.parametrize(("why", "arrange", "call"), REFUSALS, ids=[why for why, _, _ in REFUSALS])
def test_a_refused_action_records_no_event(world, why, arrange, call):
    if arrange:
        arrange(world)
    last = AuditEvent.objects.latest("id").pk

    with pytest.raises(DomainError):
        call(world)

    assert not AuditEvent.objects.filter(pk__gt=last).exists()


def test_every_service_is_in_the_table_or_known_not_to_be_an_action():
    tested = {service.__name__ for service, _, _ in ACTIONS}
    public = set()
    for module_info in pkgutil.iter_modules(apps.__path__):
        try:
            module = importlib.import_module(f"apps.{module_info.name}.services")
        except ModuleNotFoundError:
            continue
        public |= {
            name
            for name, obj in vars(module).items()
            if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
        }
    assert public - tested - NOT_ACTIONS == set()
    assert tested & NOT_ACTIONS == set()
